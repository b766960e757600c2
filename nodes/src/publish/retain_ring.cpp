#include "publish/retain_ring.hpp"

#include <algorithm>
#include <cstring>

namespace vsm::detail {

RetainRing::RetainRing(std::size_t bytes_per_channel) : capacity_(bytes_per_channel) {}

void RetainRing::evict_overlap(Lane& lane, std::size_t begin, std::size_t end) {
  // Entries are laid out in write order around the ring, so the ones overlapping the
  // new region are always at the front.
  while (!lane.entries.empty()) {
    const Entry& e = lane.entries.front();
    const bool overlaps = e.offset < end && begin < e.offset + e.length;
    if (!overlaps) break;
    lane.entries.pop_front();
  }
}

void RetainRing::append(Channel channel, std::uint64_t seq, std::string_view encoded) {
  if (capacity_ == 0 || encoded.size() > capacity_) return;
  std::lock_guard lock(mu_);
  Lane& lane = lanes_[channel_index(channel)];
  if (lane.bytes.empty()) lane.bytes.resize(capacity_);
  if (!lane.entries.empty() && lane.entries.back().seq + 1 != seq) lane.entries.clear();
  if (lane.write + encoded.size() > capacity_) {
    // Wrap: the tail space is abandoned; anything stored there is evicted as it ages.
    evict_overlap(lane, lane.write, capacity_);
    lane.write = 0;
  }
  const std::size_t begin = lane.write;
  const std::size_t end = begin + encoded.size();
  evict_overlap(lane, begin, end);
  std::memcpy(lane.bytes.data() + begin, encoded.data(), encoded.size());
  lane.entries.push_back(Entry{seq, begin, encoded.size()});
  lane.write = end;
}

bool RetainRing::fits_above(Channel channel, std::size_t bytes, std::uint64_t floor) const {
  if (capacity_ == 0) return true;
  // More than the ring in a row evicts its own first frames, which are newer than any
  // acknowledgement (they are being sent now).
  if (bytes > capacity_) return false;
  std::lock_guard lock(mu_);
  const Lane& lane = lanes_[channel_index(channel)];
  // Otherwise a conservative check: as if the frames were one block (a wrap between
  // them evicts no more than the block's own wrap would).
  std::size_t begin = lane.write;
  std::size_t end = begin + bytes;
  std::size_t wrap_from = capacity_;  // a wrap abandons [write, capacity)
  if (end > capacity_) {
    wrap_from = lane.write;
    begin = 0;
    end = bytes;
  }
  // The entries append() would evict are a prefix of the deque (see evict_overlap()).
  for (const Entry& e : lane.entries) {
    const bool in_tail = e.offset + e.length > wrap_from;
    const bool overlaps = e.offset < end && begin < e.offset + e.length;
    if (!in_tail && !overlaps) break;
    if (e.seq > floor) return false;
  }
  return true;
}

std::vector<std::string> RetainRing::range(Channel channel, std::uint64_t from, std::uint64_t to,
                                           std::size_t max, std::uint64_t* oldest) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  const Lane& lane = lanes_[channel_index(channel)];
  if (oldest) *oldest = lane.entries.empty() ? 0 : lane.entries.front().seq;
  if (lane.entries.empty() || to < from) return out;
  const std::uint64_t first = lane.entries.front().seq;
  const std::uint64_t last = lane.entries.back().seq;
  std::uint64_t seq = std::max(from, first);
  const std::uint64_t stop = std::min(to, last);
  for (; seq <= stop && out.size() < max; ++seq) {
    const Entry& e = lane.entries[static_cast<std::size_t>(seq - first)];
    out.emplace_back(lane.bytes.data() + e.offset, e.length);
  }
  return out;
}

}  // namespace vsm::detail
