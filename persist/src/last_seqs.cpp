#include "last_seqs.hpp"

#include <algorithm>

#include "record_body.hpp"
#include "vsm/persist/record_reader.hpp"

namespace vsm::persist::detail {
namespace {

using Seqs = std::array<std::uint64_t, kChannelCount>;

struct Block {
  const Segment* segment = nullptr;
  PosRange range;
  ChannelSeqs seqs;
  bool read = false;
};

void take(const Record& r, std::string_view publisher, Seqs& best) {
  auto h = peek_body(r.body);
  if (!h || h->node != publisher) return;
  auto& b = best[channel_index(h->channel)];
  b = std::max(b, h->seq);
}

Status read_block(Block& b, std::string_view publisher, Seqs& best) {
  b.read = true;
  RecordReader reader(b.segment->file(), b.range.begin, b.range.end, b.range.prev_offset, nullptr);
  while (auto r = reader.next()) take(*r, publisher, best);
  return reader.status();
}

}  // namespace

Result<Seqs> find_last_seqs(const SegmentList& segments, std::string_view publisher) {
  Seqs best{};
  std::vector<Block> blocks;
  for (const auto& seg : segments) {
    if (seg->damaged()) {
      auto s = seg->salvage([&](const Record& r) { take(r, publisher, best); });
      if (!s) return std::move(s).error();
      continue;
    }
    for (auto& [range, seqs] : seg->blocks()) blocks.push_back(Block{seg.get(), range, seqs});
  }
  std::vector<Block*> order(blocks.size());
  for (std::size_t c = 0; c < kChannelCount; ++c) {
    for (std::size_t i = 0; i < blocks.size(); ++i) order[i] = &blocks[i];
    std::sort(order.begin(), order.end(), [c](const Block* a, const Block* b) {
      return a->seqs[c].max > b->seqs[c].max;
    });
    for (Block* b : order) {
      const SeqRange& r = b->seqs[c];
      if (r.empty() || r.max <= best[c]) break;  // no unread block can beat best[c]
      if (b->read) continue;
      if (Status s = read_block(*b, publisher, best); !s) return s.error();
    }
  }
  return best;
}

}  // namespace vsm::persist::detail
