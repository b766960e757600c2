#include "variety/variety_stats.hpp"

namespace vsm::detail {

void encode_variety_stats(const VarietyStats& s, MsgpackWriter& w) {
  w.map_header(17);
  w.str("compressed_events"); w.uint(s.compressed_events);
  w.str("summaries_sent"); w.uint(s.summaries_sent);
  w.str("compression_bypassed"); w.uint(s.compression_bypassed);
  w.str("compression_ratio"); w.float64(s.compression_ratio);
  w.str("aimd_decreases"); w.uint(s.aimd_decreases);
  w.str("aimd_increases"); w.uint(s.aimd_increases);
  w.str("bargains_applied"); w.uint(s.bargains_applied);
  w.str("bargains_refused"); w.uint(s.bargains_refused);
  w.str("degraded_refused"); w.uint(s.degraded_refused);
  w.str("degraded_dropped"); w.uint(s.degraded_dropped);
  w.str("degraded_marked"); w.uint(s.degraded_marked);
  w.str("reconciled_events"); w.uint(s.reconciled_events);
  w.str("reconcile_failed"); w.uint(s.reconcile_failed);
  w.str("reconcile_truncated"); w.uint(s.reconcile_truncated);
  w.str("chaos_rules"); w.uint(s.chaos_rules);
  w.str("chaos");
  w.map_header(static_cast<std::uint32_t>(kChaosPlaneCount));
  for (std::size_t p = 0; p < kChaosPlaneCount; ++p) {
    w.str(chaos_plane_name(static_cast<ChaosPlane>(p)));
    w.map_header(4);
    w.str("dropped"); w.uint(s.chaos[p].dropped);
    w.str("delayed"); w.uint(s.chaos[p].delayed);
    w.str("duplicated"); w.uint(s.chaos[p].duplicated);
    w.str("reordered"); w.uint(s.chaos[p].reordered);
  }
  w.str("total_chaos_dropped");
  std::uint64_t dropped = 0;
  for (const auto& p : s.chaos) dropped += p.dropped;
  w.uint(dropped);
}

}  // namespace vsm::detail
