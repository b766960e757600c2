#include "segment_set.hpp"

#include <spdlog/spdlog.h>

#include "vsm/hlc.hpp"

namespace vsm::persist::detail {

void SegmentSet::assign(SegmentList segments) {
  std::lock_guard lock(mu_);
  segments_ = std::move(segments);
}

void SegmentSet::push(SegmentPtr segment) {
  std::lock_guard lock(mu_);
  segments_.push_back(std::move(segment));
}

SegmentList SegmentSet::snapshot() const {
  std::lock_guard lock(mu_);
  return segments_;
}

SegmentPtr SegmentSet::active() const {
  std::lock_guard lock(mu_);
  return segments_.empty() ? nullptr : segments_.back();
}

std::uint64_t SegmentSet::deleted() const {
  std::lock_guard lock(mu_);
  return deleted_;
}

// Whether the oldest segment is past retention_age_ms. A damaged one (no times known)
// is older than the oldest event of its successor. REQUIRES: mu_ held, two segments.
bool SegmentSet::front_too_old(std::uint64_t now_ms) const {
  if (options_.retention_age_ms == 0) return false;
  const bool damaged = segments_[0]->damaged();
  const Segment& judge = damaged ? *segments_[1] : *segments_[0];
  if (judge.damaged()) return false;
  const auto s = judge.stats();
  const std::uint64_t newest = damaged ? s.min_wall_ms : s.max_wall_ms;
  return s.records > 0 && newest + options_.retention_age_ms < now_ms;
}

Status SegmentSet::enforce_retention() {
  const std::uint64_t now_ms =
      (options_.clock != nullptr ? *options_.clock : system_wall_clock()).now_ms();
  SegmentList doomed;
  {
    std::lock_guard lock(mu_);
    std::uint64_t total = 0;
    for (const auto& seg : segments_) total += seg->stats().end_pos;
    while (segments_.size() > 1) {
      const bool too_big = options_.retention_bytes != 0 && total > options_.retention_bytes;
      if (!too_big && !front_too_old(now_ms)) break;
      total -= segments_.front()->stats().end_pos;
      doomed.push_back(segments_.front());
      segments_.erase(segments_.begin());
    }
    deleted_ += doomed.size();
  }
  Status result;
  for (const auto& seg : doomed) {
    (void)env_.remove_file(seg->index_path());
    Status s = env_.remove_file(seg->path());
    if (!s && s.error().code() != ErrorCode::kNotFound && result.ok()) {
      spdlog::warn("event log: retention cannot remove {}: {} (retried on the next open)",
                   seg->path().string(), s.error().to_string());
      result = s;
    }
  }
  return result;
}

}  // namespace vsm::persist::detail
