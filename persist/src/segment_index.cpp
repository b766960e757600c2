#include "segment_index.hpp"

#include <algorithm>

#include "coding.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;

namespace {

constexpr std::size_t kEntryBytes =
    lf::kIndexEntryFixedBytes + lf::kIndexSeqRangeBytes * kChannelCount;

bool wall_overlaps(std::uint64_t min_ms, std::uint64_t max_ms, const LogQuery& q) {
  return max_ms >= q.from_wall_ms && min_ms <= q.to_wall_ms;
}

}  // namespace

bool seqs_may_match(const ChannelSeqs& seqs, const LogQuery& q) noexcept {
  if (q.channel) {
    const SeqRange& r = seqs[channel_index(*q.channel)];
    return q.has_seq_range() ? r.overlaps(q.from_seq, q.to_seq) : !r.empty();
  }
  if (!q.has_seq_range()) return true;
  return std::any_of(seqs.begin(), seqs.end(),
                     [&](const SeqRange& r) { return r.overlaps(q.from_seq, q.to_seq); });
}

SegmentIndex::SegmentIndex(std::uint64_t end_pos, std::uint64_t interval_bytes)
    : interval_(interval_bytes == 0 ? lf::kIndexIntervalBytes : interval_bytes) {
  stats_.end_pos = end_pos;
  stats_.data_end = end_pos;
}

void SegmentIndex::add(const RecordMeta& r) {
  if (entries_.empty() || r.pos - entries_.back().pos >= interval_) {
    entries_.push_back(IndexEntry{r.offset, r.pos, UINT64_MAX, 0, {}});
  }
  IndexEntry& e = entries_.back();
  e.min_wall_ms = std::min(e.min_wall_ms, r.wall_ms);
  e.max_wall_ms = std::max(e.max_wall_ms, r.wall_ms);
  if (stats_.records == 0) {
    stats_.first_offset = r.offset;
    stats_.min_wall_ms = r.wall_ms;
  }
  if (r.channel < kChannelCount) {
    e.seqs[r.channel].add(r.seq);
    stats_.seqs[r.channel].add(r.seq);
  }
  ++stats_.records;
  stats_.last_offset = r.offset;
  stats_.min_wall_ms = std::min(stats_.min_wall_ms, r.wall_ms);
  stats_.max_wall_ms = std::max(stats_.max_wall_ms, r.wall_ms);
  stats_.end_pos = r.pos + r.size;
  stats_.data_end = stats_.end_pos;
}

PosRange SegmentIndex::block(std::size_t i) const noexcept {
  const IndexEntry& e = entries_[i];
  const bool last = i + 1 == entries_.size();
  return PosRange{e.pos, last ? stats_.data_end : entries_[i + 1].pos, e.first_offset - 1,
                  last ? stats_.last_offset : entries_[i + 1].first_offset - 1};
}

std::vector<PosRange> SegmentIndex::ranges(const LogQuery& q) const {
  std::vector<PosRange> out;
  // The first block that can hold from_offset: the last one starting at or before it.
  auto it = std::upper_bound(
      entries_.begin(), entries_.end(), q.from_offset,
      [](std::uint64_t off, const IndexEntry& e) { return off < e.first_offset; });
  std::size_t i = it == entries_.begin() ? 0 : static_cast<std::size_t>(it - entries_.begin()) - 1;
  for (; i < entries_.size() && entries_[i].first_offset <= q.to_offset; ++i) {
    const IndexEntry& e = entries_[i];
    const PosRange b = block(i);
    if (b.last_offset < q.from_offset) continue;
    if (!wall_overlaps(e.min_wall_ms, e.max_wall_ms, q) || !seqs_may_match(e.seqs, q)) continue;
    if (!out.empty() && out.back().end == b.begin) {
      out.back().end = b.end;
      out.back().last_offset = b.last_offset;
    } else {
      out.push_back(b);
    }
  }
  return out;
}

std::string SegmentIndex::serialize() const {
  std::string out(lf::kIndexMagic.data(), lf::kIndexMagic.size());
  out.reserve(lf::kIndexHeaderBytes + entries_.size() * kEntryBytes + 4);
  put_fixed(out, lf::kIndexVersion, 2);
  put_fixed(out, kChannelCount, 2);
  put_fixed(out, entries_.size(), 4);
  put_fixed(out, stats_.end_pos, 8);
  put_fixed(out, stats_.data_end, 8);
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
    for (const SeqRange& r : e.seqs) {
      put_fixed(out, r.min, 8);
      put_fixed(out, r.max, 8);
    }
  }
  put_fixed(out, crc32c::mask(crc32c::value(out)), 4);
  return out;
}

Result<SegmentIndex> SegmentIndex::parse(std::string_view b) {
  if (b.size() < lf::kIndexHeaderBytes + 4 ||
      !std::equal(lf::kIndexMagic.begin(), lf::kIndexMagic.end(), b.begin())) {
    return Error::corruption("index file has no valid header");
  }
  const std::uint64_t version = decode_fixed(b.data() + 8, 2);
  if (version > lf::kIndexVersion) {
    return Error::unsupported("index file has a newer format version");
  }
  if (version < lf::kIndexVersion || decode_fixed(b.data() + 10, 2) != kChannelCount) {
    return Error::invalid("index file has an older layout");
  }
  const std::uint64_t n = decode_u32(b.data() + 12);
  if (b.size() != lf::kIndexHeaderBytes + n * kEntryBytes + 4) {
    return Error::corruption("index file size does not match its entry count");
  }
  const std::size_t body = b.size() - 4;
  if (crc32c::unmask(decode_u32(b.data() + body)) != crc32c::value(b.data(), body)) {
    return Error::corruption("index file checksum mismatch");
  }
  SegmentIndex idx(decode_u64(b.data() + 16));
  SegmentStats& s = idx.stats_;
  s.data_end = decode_u64(b.data() + 24);
  s.records = decode_u64(b.data() + 32);
  s.first_offset = decode_u64(b.data() + 40);
  s.last_offset = decode_u64(b.data() + 48);
  s.min_wall_ms = decode_u64(b.data() + 56);
  s.max_wall_ms = decode_u64(b.data() + 64);
  if (s.data_end > s.end_pos) return Error::corruption("index file data_end beyond its segment size");
  idx.entries_.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const char* p = b.data() + lf::kIndexHeaderBytes + i * kEntryBytes;
    IndexEntry e{decode_u64(p), decode_u64(p + 8), decode_u64(p + 16), decode_u64(p + 24), {}};
    p += lf::kIndexEntryFixedBytes;
    for (std::size_t c = 0; c < kChannelCount; ++c, p += lf::kIndexSeqRangeBytes) {
      e.seqs[c] = SeqRange{decode_u64(p), decode_u64(p + 8)};
      s.seqs[c].merge(e.seqs[c]);
    }
    idx.entries_.push_back(e);
  }
  return idx;
}

}  // namespace vsm::persist::detail
