// Sparse in-memory index of one segment: one entry per block of at least
// kIndexIntervalBytes, each with the block's first offset, file position and wall-time
// range, so offset and time queries read only the blocks that can match. Serialised
// to the .idx side file (layout in log_format.hpp). Not thread-safe (Segment locks).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/result.hpp"

namespace vsm::persist::detail {

struct IndexEntry {
  std::uint64_t first_offset = 0;
  std::uint64_t pos = 0;
  std::uint64_t min_wall_ms = UINT64_MAX;
  std::uint64_t max_wall_ms = 0;
};

struct PosRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t prev_offset = 0;  // offset before the first record in the range
};

struct SegmentStats {
  std::uint64_t records = 0;
  std::uint64_t first_offset = 0;  // 0 when empty
  std::uint64_t last_offset = 0;
  std::uint64_t min_wall_ms = 0;  // 0 when empty
  std::uint64_t max_wall_ms = 0;
  std::uint64_t end_pos = 0;  // bytes of the segment covered (header included)
};

class SegmentIndex {
 public:
  explicit SegmentIndex(std::uint64_t end_pos = 0, std::uint64_t interval_bytes = 0);

  // Records one valid record (called in file order).
  void add(std::uint64_t offset, std::uint64_t wall_ms, std::uint64_t pos, std::uint64_t size);

  // Blocks that may hold records with offset in [lo_off, hi_off] and wall ms in
  // [lo_ms, hi_ms]; adjacent blocks are merged.
  std::vector<PosRange> ranges(std::uint64_t lo_off, std::uint64_t hi_off, std::uint64_t lo_ms,
                               std::uint64_t hi_ms) const;

  // Extends the covered size over trailing bytes holding no records (damage).
  void cover(std::uint64_t end_pos) noexcept {
    if (end_pos > stats_.end_pos) stats_.end_pos = end_pos;
  }

  const SegmentStats& stats() const noexcept { return stats_; }
  const std::vector<IndexEntry>& entries() const noexcept { return entries_; }

  std::string serialize() const;
  // Fails (kCorruption/kUnsupported) when the bytes are not a valid index; the caller
  // then rebuilds from the segment.
  static Result<SegmentIndex> parse(std::string_view bytes);

 private:
  std::uint64_t interval_;
  std::vector<IndexEntry> entries_;
  SegmentStats stats_;
};

}  // namespace vsm::persist::detail
