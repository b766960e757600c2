// Keeps the encoded envelopes of the most recent events this node published, per
// channel, in fixed-size byte rings (no allocation per event), so peers can repair
// gaps and late joiners can fetch history when no log is configured.
// Thread-safety: all methods are thread-safe (one mutex).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"

namespace vsm::detail {

class RetainRing {
 public:
  // `bytes_per_channel` = 0 disables retention.
  explicit RetainRing(std::size_t bytes_per_channel);

  // REQUIRES: seq is one more than the previous seq appended on `channel`.
  void append(Channel channel, std::uint64_t seq, std::string_view encoded);

  // True when appending frames of `bytes` in all to `channel` (each one retained(), in
  // a row) would not evict any seq above `floor` (Reliable flow control: what a
  // follower has not acknowledged stays retained; the frames are newer than `floor`, so
  // more than the ring in a row never fits). Always true when the ring is disabled.
  // Monotone: fewer bytes never evict more.
  bool fits_above(Channel channel, std::size_t bytes, std::uint64_t floor) const;
  // Whether a frame of `bytes` is kept at all (a larger one is not, and evicts nothing).
  bool retained(std::size_t bytes) const noexcept { return capacity_ != 0 && bytes <= capacity_; }

  // Encoded events with from <= seq <= to (at most `max`), oldest first. Returns the
  // first sequence still retained on that channel in `*oldest` (0 when empty).
  std::vector<std::string> range(Channel channel, std::uint64_t from, std::uint64_t to,
                                 std::size_t max, std::uint64_t* oldest) const;

 private:
  struct Entry {
    std::uint64_t seq;
    std::size_t offset;
    std::size_t length;
  };
  struct Lane {
    std::vector<char> bytes;
    std::deque<Entry> entries;  // contiguous seqs, oldest first
    std::size_t write = 0;      // next write offset
  };
  void evict_overlap(Lane& lane, std::size_t begin, std::size_t end);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::array<Lane, kChannelCount> lanes_;
};

}  // namespace vsm::detail
