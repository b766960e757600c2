// Detects events lost in transit from per-(publisher, channel) sequence numbers.
// Bounded: it remembers at most `max_publishers` publishers (the least recently heard
// from is forgotten first; a forgotten one starts afresh at its next event, so what it
// lost meanwhile is not counted). Owned by the reactor thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/lru_table.hpp"
#include "vsm/channel.hpp"

namespace vsm::detail {

class SequenceTracker {
 public:
  explicit SequenceTracker(std::size_t max_publishers) : last_(max_publishers) {}

  // Records `seq` from `publisher` on `channel`; returns how many events are missing
  // before it (0 when in order). A sequence that restarts at 1 (publisher restart) or
  // goes backwards resets the stream without counting.
  std::uint64_t observe(std::string_view publisher, Channel channel, std::uint64_t seq);
  // The publisher announced `head` as its last seq on `channel`: returns how many events
  // after the last one seen were lost (tail loss). Unknown streams are not started by a
  // head (events before our subscription took effect are not loss); a head at or below
  // the last seen seq is stale and ignored (restarts show as seq 1 in observe()).
  std::uint64_t observe_head(std::string_view publisher, Channel channel, std::uint64_t head);

  std::size_t publishers() const noexcept { return last_.size(); }
  std::uint64_t evictions() const noexcept { return last_.evictions(); }

 private:
  LruTable<std::array<std::uint64_t, kChannelCount>> last_;
};

}  // namespace vsm::detail
