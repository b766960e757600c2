// Sparse in-memory index of one segment: one entry per block of at least
// kIndexIntervalBytes, each with the block's first offset, file position, wall-time
// range and per-channel Event::seq range, so offset, time, channel and sequence
// queries read only the blocks that can match. Serialised to the .idx side file
// (layout in log_format.hpp). Not thread-safe (Segment locks).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

// An inclusive range of Event::seq values; empty when min > max.
struct SeqRange {
  std::uint64_t min = UINT64_MAX;
  std::uint64_t max = 0;
  bool empty() const noexcept { return min > max; }
  void add(std::uint64_t seq) noexcept {
    if (seq < min) min = seq;
    if (seq > max) max = seq;
  }
  void merge(const SeqRange& o) noexcept {
    if (o.min < min) min = o.min;
    if (o.max > max) max = o.max;
  }
  bool overlaps(std::uint64_t lo, std::uint64_t hi) const noexcept {
    return !empty() && max >= lo && min <= hi;
  }
};
using ChannelSeqs = std::array<SeqRange, kChannelCount>;

// False when no record summarised by `seqs` can match the channel / seq filter of `q`.
bool seqs_may_match(const ChannelSeqs& seqs, const LogQuery& q) noexcept;

// What the index learns about one record. kNoChannel: the envelope did not peek
// (it will not decode either), so it is in no channel's seq range.
struct RecordMeta {
  static constexpr std::uint8_t kNoChannel = 0xff;
  std::uint64_t offset = 0;
  std::uint64_t wall_ms = 0;
  std::uint64_t pos = 0;
  std::uint64_t size = 0;  // header + body
  std::uint8_t channel = kNoChannel;
  std::uint64_t seq = 0;
};

struct IndexEntry {
  std::uint64_t first_offset = 0;
  std::uint64_t pos = 0;
  std::uint64_t min_wall_ms = UINT64_MAX;
  std::uint64_t max_wall_ms = 0;
  ChannelSeqs seqs;
};

struct PosRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t prev_offset = 0;  // offset before the first record in the range
  std::uint64_t last_offset = 0;  // offset of the last record in the range
};

struct SegmentStats {
  std::uint64_t records = 0;
  std::uint64_t first_offset = 0;  // 0 when empty
  std::uint64_t last_offset = 0;
  std::uint64_t min_wall_ms = 0;  // 0 when empty
  std::uint64_t max_wall_ms = 0;
  std::uint64_t end_pos = 0;   // bytes of the segment covered (header included)
  std::uint64_t data_end = 0;  // just past the last valid record (<= end_pos)
  ChannelSeqs seqs;            // over all records
};

class SegmentIndex {
 public:
  explicit SegmentIndex(std::uint64_t end_pos = 0, std::uint64_t interval_bytes = 0);

  // Records one valid record (called in file order).
  void add(const RecordMeta& r);

  // Blocks that may hold records matching the offset, wall time, channel and seq
  // bounds of `q`, in file order; adjacent blocks are merged. Finds the first block
  // by binary search on offsets.
  std::vector<PosRange> ranges(const LogQuery& q) const;

  // Extends the covered size over trailing bytes holding no records (damage); data_end
  // stays at the last record, so scans never read the damaged end.
  void cover(std::uint64_t end_pos) noexcept {
    if (end_pos > stats_.end_pos) stats_.end_pos = end_pos;
  }

  const SegmentStats& stats() const noexcept { return stats_; }
  const std::vector<IndexEntry>& entries() const noexcept { return entries_; }
  // The bytes and offsets of block i. REQUIRES: i < entries().size().
  PosRange block(std::size_t i) const noexcept;

  std::string serialize() const;
  // Fails (kCorruption/kUnsupported/kInvalid) when the bytes are not a valid index of
  // this version; the caller then rebuilds from the segment.
  static Result<SegmentIndex> parse(std::string_view bytes);

 private:
  std::uint64_t interval_;
  std::vector<IndexEntry> entries_;
  SegmentStats stats_;
};

}  // namespace vsm::persist::detail
