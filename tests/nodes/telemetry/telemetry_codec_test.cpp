// Telemetry wire form (docs/PROTOCOL.md §1.15): round trip, topic, limits, and refusal of
// malformed or foreign input.
#include <catch2/catch.hpp>

#include "telemetry/telemetry_codec.hpp"
#include "telemetry/telemetry_format.hpp"
#include "vsm/msgpack_writer.hpp"

using vsm::TelemetryEvent;
using vsm::TelemetryKind;
namespace tf = vsm::telemetry_format;
using namespace vsm::detail;

namespace {

TelemetryEvent sample() {
  TelemetryEvent e;
  e.node = "s5.policy";
  e.kind = TelemetryKind::kPartition;
  e.seq = 42;
  e.wall_ms = 1'700'000'000'000;
  e.state = "degraded";
  e.previous = "healthy";
  e.reason = "no S3 in partition";
  e.values = {{"partitions", 2}, {"quorum", 1}};
  e.sides = {{"s1.a", "s5.policy"}, {"s3.control"}};
  return e;
}

}  // namespace

TEST_CASE("telemetry kinds have stable names", "[node][telemetry]") {
  CHECK(vsm::telemetry_kind_name(TelemetryKind::kMemberDead) == "member_dead");
  CHECK(vsm::telemetry_kind_name(TelemetryKind::kLogError) == "log_error");
  CHECK(vsm::parse_telemetry_kind("algedonic_unconfirmed") == TelemetryKind::kAlgedonicUnconfirmed);
  CHECK_FALSE(vsm::parse_telemetry_kind("nope"));
  for (int k = 1; k <= 15; ++k) {
    const auto kind = static_cast<TelemetryKind>(k);
    CHECK(vsm::parse_telemetry_kind(vsm::telemetry_kind_name(kind)) == kind);
  }
}

TEST_CASE("a telemetry frame round-trips", "[node][telemetry]") {
  const TelemetryEvent e = sample();
  const std::string frame = encode_telemetry_frame(e);
  CHECK(frame.rfind("~vsm/tel/s5.policy/partition", 0) == 0);
  CHECK(frame[telemetry_topic(e.node, e.kind).size()] == '\0');
  auto d = decode_telemetry_frame(frame);
  REQUIRE(d);
  CHECK(d->node == e.node);
  CHECK(d->kind == e.kind);
  CHECK(d->seq == 42);
  CHECK(d->wall_ms == e.wall_ms);
  CHECK(d->subject.empty());
  CHECK(d->state == "degraded");
  CHECK(d->previous == "healthy");
  CHECK(d->reason == e.reason);
  CHECK(d->values == e.values);
  CHECK(d->sides == e.sides);
}

TEST_CASE("the encoder keeps within the limits", "[node][telemetry]") {
  TelemetryEvent e = sample();
  e.reason = std::string(5'000, 'x');
  for (int i = 0; i < 200; ++i) e.values["v" + std::to_string(i)] = i;
  e.sides.assign(100, std::vector<std::string>(50, "m"));
  auto d = decode_telemetry_frame(encode_telemetry_frame(e));
  REQUIRE(d);
  CHECK(d->reason.size() == tf::kMaxStringBytes);
  CHECK(d->values.size() == tf::kMaxValues);
  std::size_t names = 0;
  for (const auto& s : d->sides) names += s.size();
  CHECK(names <= tf::kMaxSideMembers);
  CHECK(d->sides.size() <= tf::kMaxSides);
}

TEST_CASE("malformed telemetry is refused", "[node][telemetry]") {
  const std::string good = encode_telemetry_frame(sample());
  const auto sep = good.find('\0');
  SECTION("not a telemetry topic") {
    CHECK_FALSE(decode_telemetry_frame("~vsm/hello/x" + good.substr(sep)));
  }
  SECTION("no separator") { CHECK_FALSE(decode_telemetry_frame(good.substr(0, sep))); }
  SECTION("topic and body disagree") {
    CHECK_FALSE(decode_telemetry_frame("~vsm/tel/s1.other/partition" + good.substr(sep)));
  }
  SECTION("truncated body") {
    for (std::size_t n = sep + 1; n < good.size(); ++n) {
      CHECK_FALSE(decode_telemetry_frame(good.substr(0, n)));
    }
  }
  SECTION("unknown kind, newer version, bad node") {
    auto body = [](auto fill) {
      std::string out;
      vsm::MsgpackWriter w(out);
      fill(w);
      return out;
    };
    CHECK_FALSE(decode_telemetry(body([](vsm::MsgpackWriter& w) {
      w.map_header(3);
      w.str("v"); w.uint(1);
      w.str("node"); w.str("s1.a");
      w.str("kind"); w.str("coffee_break");
    })));
    CHECK_FALSE(decode_telemetry(body([](vsm::MsgpackWriter& w) {
      w.map_header(3);
      w.str("v"); w.uint(2);
      w.str("node"); w.str("s1.a");
      w.str("kind"); w.str("flow");
    })));
    CHECK_FALSE(decode_telemetry(body([](vsm::MsgpackWriter& w) {
      w.map_header(3);
      w.str("v"); w.uint(1);
      w.str("node"); w.str("a/b");
      w.str("kind"); w.str("flow");
    })));
    auto ok = decode_telemetry(body([](vsm::MsgpackWriter& w) {
      w.map_header(4);
      w.str("v"); w.uint(1);
      w.str("node"); w.str("s1.a");
      w.str("kind"); w.str("flow");
      w.str("future"); w.array_header(1); w.uint(7);  // unknown keys are skipped
    }));
    REQUIRE(ok);
    CHECK(ok->kind == TelemetryKind::kFlow);
  }
  SECTION("oversized body") {
    CHECK_FALSE(decode_telemetry(std::string(tf::kMaxBodyBytes + 1, '\x80')));
  }
}
