#include "segment_index.hpp"

#include <algorithm>

#include "coding.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;

SegmentIndex::SegmentIndex(std::uint64_t end_pos, std::uint64_t interval_bytes)
    : interval_(interval_bytes == 0 ? lf::kIndexIntervalBytes : interval_bytes) {
  stats_.end_pos = end_pos;
}

void SegmentIndex::add(std::uint64_t offset, std::uint64_t wall_ms, std::uint64_t pos,
                       std::uint64_t size) {
  if (entries_.empty() || pos - entries_.back().pos >= interval_) {
    entries_.push_back(IndexEntry{offset, pos, UINT64_MAX, 0});
  }
  IndexEntry& e = entries_.back();
  e.min_wall_ms = std::min(e.min_wall_ms, wall_ms);
  e.max_wall_ms = std::max(e.max_wall_ms, wall_ms);
  if (stats_.records == 0) {
    stats_.first_offset = offset;
    stats_.min_wall_ms = wall_ms;
  }
  ++stats_.records;
  stats_.last_offset = offset;
  stats_.min_wall_ms = std::min(stats_.min_wall_ms, wall_ms);
  stats_.max_wall_ms = std::max(stats_.max_wall_ms, wall_ms);
  stats_.end_pos = pos + size;
}

std::vector<PosRange> SegmentIndex::ranges(std::uint64_t lo_off, std::uint64_t hi_off,
                                           std::uint64_t lo_ms, std::uint64_t hi_ms) const {
  std::vector<PosRange> out;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const IndexEntry& e = entries_[i];
    const bool last = i + 1 == entries_.size();
    const std::uint64_t end_pos = last ? stats_.end_pos : entries_[i + 1].pos;
    const std::uint64_t end_off = last ? stats_.last_offset : entries_[i + 1].first_offset - 1;
    if (end_off < lo_off || e.first_offset > hi_off) continue;
    if (e.max_wall_ms < lo_ms || e.min_wall_ms > hi_ms) continue;
    if (!out.empty() && out.back().end == e.pos) {
      out.back().end = end_pos;
    } else {
      out.push_back(PosRange{e.pos, end_pos, e.first_offset - 1});
    }
  }
  return out;
}

std::string SegmentIndex::serialize() const {
  std::string out(lf::kIndexMagic.data(), lf::kIndexMagic.size());
  put_fixed(out, lf::kIndexVersion, 2);
  put_fixed(out, 0, 2);
  put_fixed(out, entries_.size(), 4);
  put_fixed(out, stats_.end_pos, 8);
  put_fixed(out, stats_.records, 8);
  put_fixed(out, stats_.first_offset, 8);
  put_fixed(out, stats_.last_offset, 8);
  put_fixed(out, stats_.min_wall_ms, 8);
  put_fixed(out, stats_.max_wall_ms, 8);
  for (const IndexEntry& e : entries_) {
    put_fixed(out, e.first_offset, 8);
    put_fixed(out, e.pos, 8);
    put_fixed(out, e.min_wall_ms, 8);
    put_fixed(out, e.max_wall_ms, 8);
  }
  put_fixed(out, crc32c::mask(crc32c::value(out)), 4);
  return out;
}

Result<SegmentIndex> SegmentIndex::parse(std::string_view b) {
  if (b.size() < lf::kIndexHeaderBytes + 4 ||
      !std::equal(lf::kIndexMagic.begin(), lf::kIndexMagic.end(), b.begin())) {
    return Error::corruption("index file has no valid header");
  }
  if (decode_fixed(b.data() + 8, 2) > lf::kIndexVersion) {
    return Error::unsupported("index file has a newer format version");
  }
  const std::uint64_t n = decode_u32(b.data() + 12);
  if (b.size() != lf::kIndexHeaderBytes + n * lf::kIndexEntryBytes + 4) {
    return Error::corruption("index file size does not match its entry count");
  }
  const std::size_t body = b.size() - 4;
  if (crc32c::unmask(decode_u32(b.data() + body)) != crc32c::value(b.data(), body)) {
    return Error::corruption("index file checksum mismatch");
  }
  SegmentIndex idx(decode_u64(b.data() + 16));
  SegmentStats& s = idx.stats_;
  s.records = decode_u64(b.data() + 24);
  s.first_offset = decode_u64(b.data() + 32);
  s.last_offset = decode_u64(b.data() + 40);
  s.min_wall_ms = decode_u64(b.data() + 48);
  s.max_wall_ms = decode_u64(b.data() + 56);
  idx.entries_.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const char* p = b.data() + lf::kIndexHeaderBytes + i * lf::kIndexEntryBytes;
    idx.entries_.push_back(
        IndexEntry{decode_u64(p), decode_u64(p + 8), decode_u64(p + 16), decode_u64(p + 24)});
  }
  return idx;
}

}  // namespace vsm::persist::detail
