// Telemetry: what a node reports about itself, as events of their own (docs/OPERATIONS.md).
// Every node publishes its reports on the data plane under the reserved topic family
// `~vsm/tel/<node>/<kind>` (docs/PROTOCOL.md §1.15), which ordinary channel subscriptions
// never match, so only those who ask for telemetry receive it; the same reports reach
// C++ callbacks. Reports are rate-limited (NodeConfig::telemetry_max_per_s, _burst):
// beyond the budget they are dropped and counted, so telemetry cannot become the
// overload it reports.
//
//   node.on_telemetry([](const vsm::TelemetryEvent& t) {          // this node's reports
//     if (t.kind == vsm::TelemetryKind::kMemberDead) page(t.subject);
//   });
//   node.on_telemetry(print, vsm::TelemetryOrigin::kRemote);      // every other node's
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsm {

enum class TelemetryKind : std::uint8_t {
  kMemberJoined = 1,  // subject: member; state: its role
  kMemberUpdated,     // endpoints, role or tags changed
  kMemberSuspect,
  kMemberAlive,  // suspect -> alive (suspicion refuted)
  kMemberDead,
  kMemberLeft,
  kPartition,             // partition state or sides changed: state, previous, reason, sides
  kFlow,                  // periodic: "<channel>.published_per_s", "...delivered_per_s", ...
  kQuotaThrottled,        // subject: channel; values: delayed, rejected, pressure
  kVarietyPressure,       // subject: channel; state: "high" | "normal"; values: pressure
  kAlgedonicRaised,       // subject: alert id; state: severity; reason: "pain: <description>"
  kAlgedonicConfirmed,    // every peer acknowledged; values: peers, latency_max_us
  kAlgedonicUnconfirmed,  // some peer did not; reason names them
  kBreaker,               // subject: publisher; state: closed | open | half_open
  kLogError,              // state: failing | healthy; reason: the log's last error
};

// "member_joined", "member_updated", "member_suspect", "member_alive", "member_dead",
// "member_left", "partition", "flow", "quota_throttled", "variety_pressure",
// "algedonic_raised", "algedonic_confirmed", "algedonic_unconfirmed", "breaker",
// "log_error".
std::string_view telemetry_kind_name(TelemetryKind kind) noexcept;
std::optional<TelemetryKind> parse_telemetry_kind(std::string_view name) noexcept;

struct TelemetryEvent {
  std::string node;  // the reporting node
  TelemetryKind kind = TelemetryKind::kFlow;
  std::uint64_t seq = 0;      // per reporting node, +1 per published report (gap = lost)
  std::uint64_t wall_ms = 0;  // the reporting node's clock (Unix ms)
  std::string subject;        // member, channel, publisher or alert id; "" when none
  std::string state;          // the new state, or a severity; "" when none
  std::string previous;       // the state before; "" when none
  std::string reason;
  std::map<std::string, double> values;         // numbers, units in the key
  std::vector<std::vector<std::string>> sides;  // kPartition: the members of each side
};

// Counters of a node's telemetry, part of NodeStats.
struct TelemetryStats {
  std::uint64_t published = 0;        // own reports published (and given to callbacks)
  std::uint64_t suppressed = 0;       // own reports dropped: rate limit or full queue
  std::uint64_t remote_received = 0;  // other nodes' reports decoded (kRemote callbacks)
  std::uint64_t remote_dropped = 0;   // other nodes' reports dropped: full queue
  std::uint64_t decode_errors = 0;    // other nodes' reports that did not decode
  std::uint64_t callback_errors = 0;  // telemetry callbacks that threw
};

// kLocal: this node's own reports. kRemote: reports of the other nodes this node hears
// (registering one subscribes the node's receive socket to the telemetry topics).
enum class TelemetryOrigin : std::uint8_t { kLocal, kRemote };

// Runs on the node's telemetry thread, in report order. Must not block for long: later
// reports wait (and, beyond the queue's bound, are dropped and counted).
using TelemetryCallback = std::function<void(const TelemetryEvent&)>;

}  // namespace vsm
