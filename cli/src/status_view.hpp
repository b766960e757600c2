// The text of `vsmcat status` (docs/CLI.md): the fabric as one node sees it, in at most
// `width` columns (80 by default, like a terminal): the node and its health, the
// partition state and sides, the VSM tree S5 -> S4 -> S3 -> S3* -> S2 -> S1 with each
// member's state, per-channel rates, latency and variety pressure, open repair breakers,
// the last algedonic alerts and the node's last telemetry reports. Rendered from the
// control plane's replies (info, members, stats, recent), so it is pure and testable.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vsmcat {

struct StatusSnapshot {
  nlohmann::json info;      // name, role, version, control, pub
  nlohmann::json members;   // members, partition, reason, sides, quorum
  nlohmann::json stats;     // the stats map
  nlohmann::json recent;    // telemetry (wire maps), alerts
  std::uint64_t at_ms = 0;  // when it was taken (Unix ms)
};

// Lines without '\n', none longer than `width`.
std::vector<std::string> render_status(const StatusSnapshot& s, std::size_t width = 80);

// One object for tools: {"node", "role", "version", "time", "health", "health_reasons",
// "partition": {"state", "reason", "quorum", "sides"}, "tree": {"S5": [{"name", "state",
// "incarnation", "breaker"}], ...}, "channels": {name: {"published_per_s",
// "delivered_per_s", "dropped_per_s", "p50_us", "p99_us", "pressure"}}, "breakers",
// "alerts", "telemetry"}.
nlohmann::ordered_json status_json(const StatusSnapshot& s);

}  // namespace vsmcat
