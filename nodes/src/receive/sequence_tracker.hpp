// Detects events lost in transit from per-(publisher, channel) sequence numbers.
// Owned by the reactor thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vsm/channel.hpp"

namespace vsm::detail {

class SequenceTracker {
 public:
  // Records `seq` from `publisher` on `channel`; returns how many events are missing
  // before it (0 when in order). A sequence that restarts at 1 (publisher restart) or
  // goes backwards resets the stream without counting.
  std::uint64_t observe(std::string_view publisher, Channel channel, std::uint64_t seq);
  // The publisher announced `head` as its last seq on `channel`: returns how many events
  // after the last one seen were lost (tail loss). Unknown streams are not started by a
  // head (events before our subscription took effect are not loss); a head at or below
  // the last seen seq is stale and ignored (restarts show as seq 1 in observe()).
  std::uint64_t observe_head(std::string_view publisher, Channel channel, std::uint64_t head);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::array<std::uint64_t, kChannelCount>, Hash,
                     std::equal_to<>>
      last_;
};

}  // namespace vsm::detail
