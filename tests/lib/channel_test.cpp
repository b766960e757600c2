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

TEST_CASE("channel: an exact type prefix ends with the frame separator", "[channel]") {
  // On the wire the topic is followed by 0x00 (frame_format.hpp), so the separator in
  // the prefix makes the type exact (frame_format_test checks it on real frames).
  CHECK(exact_topic_prefix(Channel::kCommand, "s1", "alert") ==
        std::string("command/s1/alert\0", 17));
  const std::string longer = make_topic(Channel::kCommand, "s1", "alert_high") + '\0';
  const std::string exact = make_topic(Channel::kCommand, "s1", "alert") + '\0';
  CHECK_FALSE(prefix_matches(exact_topic_prefix(Channel::kCommand, "s1", "alert"), longer));
  CHECK(prefix_matches(exact_topic_prefix(Channel::kCommand, "s1", "alert"), exact + "body"));
}

TEST_CASE("channel: names must be valid UTF-8", "[channel]") {
  CHECK(is_valid_name("\xe2\x9c\x93 check"));
  CHECK(is_valid_name("\xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_name("\xff"));
  CHECK_FALSE(is_valid_name("caf\xc3"));             // truncated sequence
  CHECK_FALSE(is_valid_name("\xc0\xaf"));            // overlong '/'
  CHECK_FALSE(is_valid_name("long ascii name \xed\xa0\x80"));  // surrogate after 8-byte words
  CHECK_FALSE(parse_topic("command/s\xff/t").has_value());
}

TEST_CASE("channel: the word-at-a-time name check agrees with a byte loop", "[channel]") {
  const auto reference = [](std::string_view name) {
    if (name.empty() || name.size() > kMaxNameBytes) return false;
    for (unsigned char c : name) {
      if (c == '/' || c < 0x20 || c == 0x7f || c >= 0x80) return false;
    }
    return true;
  };
  // ASCII bytes only (UTF-8 has its own test): every byte value in every position class.
  for (int c = 0; c < 0x80; ++c) {
    const std::string b(1, static_cast<char>(c));
    for (std::size_t len : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 255u}) {
      for (std::size_t at = 0; at < len; at += (len > 20 ? 37 : 1)) {
        std::string name(len, 'a');
        name[at] = static_cast<char>(c);
        INFO("byte " << c << " at " << at << " of " << len);
        CHECK(is_valid_name(name) == reference(name));
      }
    }
  }
}

}  // namespace vsm
