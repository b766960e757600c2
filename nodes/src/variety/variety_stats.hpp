// The "variety" map of the control plane's stats reply (docs/PROTOCOL.md §2).
// Thread-safety: pure.
#pragma once

#include "vsm/msgpack_writer.hpp"
#include "vsm/variety.hpp"

namespace vsm::detail {

// One msgpack map: compression (compressed_events, summaries_sent, compression_bypassed,
// compression_ratio), aimd_decreases, aimd_increases, bargains_applied, bargains_refused,
// degraded_refused, degraded_dropped, degraded_marked, reconciled_events, reconcile_failed,
// reconcile_truncated, chaos_rules, and "chaos": plane
// name -> {dropped, delayed, duplicated, reordered}.
void encode_variety_stats(const VarietyStats& s, MsgpackWriter& w);

}  // namespace vsm::detail
