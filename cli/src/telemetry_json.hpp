// JSON form of a telemetry report (vsm/telemetry.hpp) for `vsmcat sub --telemetry` and
// `vsmcat status --json`, one object per report, every key always present:
//   {"node","kind","seq","time","wall_ms","subject","state","previous","reason",
//    "values":{...},"sides":[[...]]}
// and the short text form `vsmcat status` shows. Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vsm/telemetry.hpp"

namespace vsmcat {

nlohmann::ordered_json telemetry_to_json(const vsm::TelemetryEvent& event);
// The reverse, for the maps of the control plane's `recent` reply (same keys as the wire
// body: node, kind, seq, ms, sub, st, prev, why, val, sides). Unknown kinds are kept as
// kFlow with the kind name in the reason; never throws.
vsm::TelemetryEvent telemetry_from_wire_json(const nlohmann::json& body);
// "member_dead s1.b (dead)", "partition healthy -> degraded: no S3 in partition".
std::string telemetry_summary(const vsm::TelemetryEvent& event);
// The members of each partition side: "[s1.a s5.policy] | [s3.control]" (also from the
// JSON array of arrays a `members` reply carries).
std::string sides_text(const std::vector<std::vector<std::string>>& sides);
std::string sides_text(const nlohmann::json& sides);

}  // namespace vsmcat
