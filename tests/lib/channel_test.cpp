// Channel names, topic construction/parsing and prefix-matching semantics.
#include <catch2/catch.hpp>

#include "vsm/channel.hpp"

namespace vsm {
namespace {
bool prefix_matches(std::string_view prefix, std::string_view topic) {
  return topic.substr(0, prefix.size()) == prefix;  // what ZeroMQ SUB does
}
}  // namespace

TEST_CASE("channel: names round trip and unknown names are rejected", "[channel]") {
  CHECK(channel_name(Channel::kCommand) == "command");
  CHECK(channel_name(Channel::kCoordination) == "coordination");
  CHECK(channel_name(Channel::kAudit) == "audit");
  CHECK(channel_name(Channel::kAlgedonic) == "algedonic");
  CHECK(channel_name(Channel::kResourceBargain) == "resource_bargain");
  for (Channel c : kAllChannels) {
    CHECK(parse_channel(channel_name(c)) == c);
    CHECK(kAllChannels[channel_index(c)] == c);
  }
  for (std::string_view bad : {"", "Command", "command ", "resource-bargain", "alg", "?"}) {
    CHECK_FALSE(parse_channel(bad).has_value());
  }
}

TEST_CASE("channel: valid names", "[channel]") {
  CHECK(is_valid_name("s1.ops-3"));
  CHECK(is_valid_name("S3*"));
  CHECK(is_valid_name("x"));
  CHECK(is_valid_name(std::string(255, 'a')));
  CHECK(is_valid_name("ünïcode"));
  CHECK_FALSE(is_valid_name(""));
  CHECK_FALSE(is_valid_name(std::string(256, 'a')));
  CHECK_FALSE(is_valid_name("a/b"));
  CHECK_FALSE(is_valid_name("a\nb"));
  CHECK_FALSE(is_valid_name(std::string("a\0b", 3)));
  CHECK_FALSE(is_valid_name("a\x7f"));
}

TEST_CASE("channel: make_topic and parse_topic round trip", "[channel]") {
  for (Channel c : kAllChannels) {
    const std::string topic = make_topic(c, "s1.ops-3", "policy_update");
    CHECK(topic == std::string(channel_name(c)) + "/s1.ops-3/policy_update");
    auto parts = parse_topic(topic);
    REQUIRE(parts.has_value());
    CHECK(parts->channel == c);
    CHECK(parts->source == "s1.ops-3");
    CHECK(parts->type == "policy_update");
  }
}

TEST_CASE("channel: malformed topics are rejected", "[channel]") {
  for (std::string_view bad :
       {"", "command", "command/", "command/a", "command//t", "command/a/", "bogus/a/t",
        "/a/t", "command/a/b/c", "Command/a/t", "command/a\n/t"}) {
    INFO(bad);
    CHECK_FALSE(parse_topic(bad).has_value());
  }
}

TEST_CASE("channel: prefixes select channel, channel+source, channel+source+type", "[channel]") {
  const std::string topic = make_topic(Channel::kAudit, "s1.ops", "check");
  CHECK(topic_prefix(Channel::kAudit) == "audit/");
  CHECK(topic_prefix(Channel::kAudit, "s1.ops") == "audit/s1.ops/");
  CHECK(topic_prefix(Channel::kAudit, "s1.ops", "check") == "audit/s1.ops/check");
  CHECK(prefix_matches(topic_prefix(Channel::kAudit), topic));
  CHECK(prefix_matches(topic_prefix(Channel::kAudit, "s1.ops"), topic));
  CHECK(prefix_matches(topic_prefix(Channel::kAudit, "s1.ops", "check"), topic));
  for (Channel other : kAllChannels) {
    if (other == Channel::kAudit) continue;
    CHECK_FALSE(prefix_matches(topic_prefix(other), topic));
  }
  CHECK_FALSE(prefix_matches(topic_prefix(Channel::kAudit, "s1.op"), topic));
  CHECK_FALSE(prefix_matches(topic_prefix(Channel::kAudit, "s1.ops", "chec_x"), topic));
}

TEST_CASE("channel: a source prefix never matches a longer source", "[channel]") {
  // "s1.ops" must not receive events of "s1.ops-3" (and vice versa).
  const std::string short_src = make_topic(Channel::kCommand, "s1.ops", "t");
  const std::string long_src = make_topic(Channel::kCommand, "s1.ops-3", "t");
  CHECK_FALSE(prefix_matches(topic_prefix(Channel::kCommand, "s1.ops"), long_src));
  CHECK_FALSE(prefix_matches(topic_prefix(Channel::kCommand, "s1.ops-3"), short_src));
  CHECK(prefix_matches(topic_prefix(Channel::kCommand, "s1.ops"), short_src));
  CHECK_FALSE(prefix_matches(topic_prefix(Channel::kCommand, "s1.ops", "t"), long_src));
  // Channel names: no channel is a prefix of another channel's topics.
  for (Channel a : kAllChannels) {
    for (Channel b : kAllChannels) {
      if (a != b) CHECK_FALSE(prefix_matches(topic_prefix(a), make_topic(b, "x", "y")));
    }
  }
}

TEST_CASE("channel: a type prefix also matches longer types (filtered exactly later)",
          "[channel]") {
  // The type is the last topic component and has no terminator, so ZeroMQ delivers
  // "alert_high" to a subscriber of "alert"; Filter::matches drops it (filter_test).
  const std::string longer = make_topic(Channel::kCommand, "s1", "alert_high");
  CHECK(prefix_matches(topic_prefix(Channel::kCommand, "s1", "alert"), longer));
}

}  // namespace vsm
