// OutFrame, one encoded event on its way out, and FrameBatch, the frames the publish
// queue holds and the sender takes in one go. A batch keeps the slots of frames it has
// committed as spares and the next frames are copied into their buffers, so in a
// steady stream publishing allocates nothing per event: the queue and the sender swap
// two batches back and forth. Spares are bounded in count and bytes, so a burst of big
// events does not pin memory. Not thread-safe (the queue lock guards the queue's batch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"

namespace vsm::detail {

// One encoded event: its single-event frame (docs/PROTOCOL.md §1), as it is logged and,
// alone or in a batch, sent.
struct OutFrame {
  std::string frame;
  Channel channel = Channel::kCommand;
  std::uint64_t seq = 0;      // set when sealed
  std::uint64_t wall_ms = 0;  // ts.wall_ms, set when sealed

  std::string_view bytes() const noexcept { return frame; }
};

class FrameBatch {
 public:
  std::size_t size() const noexcept { return live_; }
  bool empty() const noexcept { return live_ == 0; }
  std::span<OutFrame> frames() noexcept { return {slots_.data(), live_}; }
  std::size_t slots() const noexcept { return slots_.size(); }  // live + spares

  // The slot after the live frames, holding a copy of `bytes` (in a spare's buffer when
  // there is one); it becomes live with commit_next().
  OutFrame& next(std::string_view bytes, Channel channel) {
    if (live_ == slots_.size()) slots_.emplace_back();
    OutFrame& f = slots_[live_];
    f.frame.assign(bytes);
    f.channel = channel;
    f.seq = 0;
    f.wall_ms = 0;
    return f;
  }
  void commit_next() noexcept { ++live_; }

  // Every frame becomes a spare; spares beyond kMaxSpares slots or kMaxSpareBytes of
  // buffers in all are released.
  void clear() noexcept {
    std::size_t bytes = 0;
    std::size_t keep = 0;
    for (; keep < slots_.size() && keep < kMaxSpares; ++keep) {
      bytes += slots_[keep].frame.capacity();
      if (bytes > kMaxSpareBytes) break;
    }
    if (keep < slots_.size()) slots_.resize(keep);
    live_ = 0;
  }

  void swap(FrameBatch& other) noexcept {
    slots_.swap(other.slots_);
    std::swap(live_, other.live_);
  }

 private:
  static constexpr std::size_t kMaxSpares = 8'192;
  static constexpr std::size_t kMaxSpareBytes = 2u << 20;

  std::vector<OutFrame> slots_;
  std::size_t live_ = 0;  // slots_[live_..] are spares
};

}  // namespace vsm::detail
