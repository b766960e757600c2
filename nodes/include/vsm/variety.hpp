// Variety engineering settings and counters of a vsm::Node (docs/VARIETY.md): semantic
// compression of similar events, built-in fault injection ("chaos"), and the counters
// of adaptive rates, resource bargains and degraded mode. Plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"

namespace vsm {

// Summaries (docs/PROTOCOL.md §1.16): type = original type + kSummaryTypeSuffix,
// metadata[kSummaryMetadataKey] = the number of events folded in.
inline constexpr std::string_view kSummaryTypeSuffix = "~summary";
inline constexpr std::string_view kSummaryMetadataKey = "vsm.summary";
// Events published while this node's side of a partition is degraded carry
// metadata[kDegradedMetadataKey] = the local partition's name ("p:<member>").
inline constexpr std::string_view kDegradedMetadataKey = "vsm.degraded";
// Events delivered by reconciliation after a partition healed (fetched from the
// publisher's log or ring, not received live) carry metadata[kReconciledMetadataKey] = 1.
inline constexpr std::string_view kReconciledMetadataKey = "vsm.reconciled";
// A rate limit an S3 sets for an S1 source (channel resource_bargain, docs/VARIETY.md):
// payload map {"source": str, "rate_per_s": number (0 = unlimited)}.
inline constexpr std::string_view kRateLimitType = "vsm.rate_limit";

// Events on `channel` of `type` (every type when empty) with the same signature
// (channel, source, type, target and the values of `keys` in a map payload) are folded
// into one summary per window. Never applies to the algedonic channel.
struct CompressionRule {
  Channel channel = Channel::kCoordination;
  std::string type;               // empty: every type of the channel
  std::vector<std::string> keys;  // payload map keys that join the signature
  std::uint64_t window_ms = 1'000;
  std::size_t max_events = 0;     // > 0: the summary also goes out after this many events
};

struct CompressionConfig {
  std::vector<CompressionRule> rules;  // empty: compression off (costs one branch)
  // Open windows at most; an event that would open one more is sent as it is (counted).
  std::size_t max_signatures = 4'096;
};

// Built-in fault injection (docs/VARIETY.md "Fault injection"). Off unless enabled:
// the control op `chaos` is refused otherwise.
struct ChaosConfig {
  bool enabled = false;
  std::uint64_t seed = 0;                   // 0: random; else reproducible choices
  std::size_t max_rules = 64;               // active rules at most
  std::size_t max_held = 4'096;             // delayed/reordered messages held per plane
  std::uint64_t max_duration_ms = 3'600'000;  // a rule's --for at most
};

// The three receive paths fault injection acts on.
enum class ChaosPlane : std::uint8_t { kData = 0, kGossip = 1, kAlgedonic = 2 };
inline constexpr std::size_t kChaosPlaneCount = 3;
std::string_view chaos_plane_name(ChaosPlane plane) noexcept;

struct ChaosPlaneStats {
  std::uint64_t dropped = 0;
  std::uint64_t delayed = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
};

struct VarietyStats {
  // Semantic compression (publisher side).
  std::uint64_t compressed_events = 0;   // events folded into summaries
  std::uint64_t summaries_sent = 0;
  std::uint64_t compression_bypassed = 0;  // over max_signatures: sent as they are
  double compression_ratio = 0.0;        // compressed_events / summaries_sent (0: none)
  // Adaptive rates and bargains.
  std::uint64_t aimd_decreases = 0;
  std::uint64_t aimd_increases = 0;
  std::uint64_t bargains_applied = 0;    // rate limits from an S3 applied here
  std::uint64_t bargains_refused = 0;    // from a non-S3, malformed, or quotas off
  // Degraded mode.
  std::uint64_t degraded_refused = 0;    // publish() calls refused with kDegraded
  std::uint64_t degraded_dropped = 0;    // received commands dropped while degraded
  std::uint64_t degraded_marked = 0;     // events published with the degraded mark
  // Reconciliation after heal (receiver side).
  std::uint64_t reconciled_events = 0;   // fetched events delivered, marked vsm.reconciled
  std::uint64_t reconcile_failed = 0;    // fetches that failed or missed their deadline
  std::uint64_t reconcile_truncated = 0; // ranges cut or left out by the per-announcement caps
  // Fault injection, per plane (ChaosPlane order).
  std::uint64_t chaos_rules = 0;         // active rules now
  ChaosPlaneStats chaos[kChaosPlaneCount]{};
};

}  // namespace vsm
