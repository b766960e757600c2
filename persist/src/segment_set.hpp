// The segments of an open log, oldest first; the last one is the active segment the
// writer appends to. Shared by the group-commit leader (which adds a segment at each
// roll) and concurrent scans (which read a snapshot: retention may unlink a file while
// a scan still reads it through its open descriptor). Retention removes whole sealed
// segments by bytes and age, never the active one.
// Thread-safety: every method may be called from any thread; no I/O under the lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "segment.hpp"
#include "vsm/persist/env.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

using SegmentPtr = std::shared_ptr<Segment>;
using SegmentList = std::vector<SegmentPtr>;

class SegmentSet {
 public:
  // `options` (retention, clock) must outlive the set.
  SegmentSet(Env& env, const LogOptions& options) : env_(env), options_(options) {}

  void assign(SegmentList segments);
  void push(SegmentPtr segment);
  SegmentList snapshot() const;
  SegmentPtr active() const;

  // Deletes whole sealed segments beyond retention_bytes / retention_age_ms. A
  // segment whose header is damaged goes with the segment after it (it is older).
  // Errors: the first removal that failed (that file is left for the next open).
  Status enforce_retention();
  std::uint64_t deleted() const;

 private:
  bool front_too_old(std::uint64_t now_ms) const;

  Env& env_;
  const LogOptions& options_;
  mutable std::mutex mu_;
  SegmentList segments_;
  std::uint64_t deleted_ = 0;
};

}  // namespace vsm::persist::detail
