// telemetry_to_json / telemetry_from_wire_json / telemetry_summary (cli/src/telemetry_json.hpp).
#include "telemetry_json.hpp"

#include <catch2/catch.hpp>

namespace vsmcat {

TEST_CASE("telemetry reports as JSON lines, every key present", "[cli][telemetry]") {
  vsm::TelemetryEvent e;
  e.node = "s5.policy";
  e.kind = vsm::TelemetryKind::kPartition;
  e.seq = 3;
  e.wall_ms = 1'795'443'909'123;
  e.state = "degraded";
  e.previous = "healthy";
  e.reason = "no S3 in partition";
  e.values = {{"partitions", 2}};
  e.sides = {{"s1.a", "s5.policy"}, {"s3.control"}};
  const auto j = telemetry_to_json(e);
  CHECK(j.dump() ==
        R"({"node":"s5.policy","kind":"partition","seq":3,"time":"2026-11-23T14:25:09.123Z",)"
        R"("wall_ms":1795443909123,"subject":"","state":"degraded","previous":"healthy",)"
        R"("reason":"no S3 in partition","values":{"partitions":2.0},)"
        R"("sides":[["s1.a","s5.policy"],["s3.control"]]})");
  CHECK(telemetry_summary(e) == "partition healthy -> degraded: no S3 in partition");
  e.previous = "degraded";  // same state, the sides changed
  CHECK(telemetry_summary(e) == "partition degraded, 2 side(s): [s1.a s5.policy] | [s3.control]");
  CHECK(sides_text(nlohmann::json::parse(R"([["a","b"],["c"]])")) == "[a b] | [c]");
}

TEST_CASE("wire maps of the recent op read back; unknown kinds are named", "[cli][telemetry]") {
  const auto e = telemetry_from_wire_json({{"node", "s1.a"},
                                           {"kind", "member_dead"},
                                           {"seq", 9},
                                           {"ms", 5},
                                           {"sub", "s1.b"},
                                           {"st", "dead"}});
  CHECK(e.kind == vsm::TelemetryKind::kMemberDead);
  CHECK(e.subject == "s1.b");
  CHECK(telemetry_summary(e) == "member_dead s1.b (dead)");
  const auto odd = telemetry_from_wire_json({{"node", "s1.a"}, {"kind", "from_the_future"}});
  CHECK(odd.reason == "from_the_future");
  CHECK(telemetry_from_wire_json(nlohmann::json(3)).node.empty());
}

}  // namespace vsmcat
