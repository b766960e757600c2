// Detects events lost in transit from per-(publisher, channel) sequence numbers, and
// remembers which seqs are missing, so partition reconciliation (variety/reconciler.hpp)
// delivers exactly those once. Bounded: it remembers at most `max_publishers`
// publishers (the least recently heard from is forgotten first; a forgotten one starts
// afresh at its next event, so what it lost meanwhile is not counted) and at most
// kMaxGaps missing ranges per stream (the oldest forgotten first).
// Owned by the reactor thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lru_table.hpp"
#include "vsm/channel.hpp"

namespace vsm::detail {

using SeqRange = std::pair<std::uint64_t, std::uint64_t>;  // first, last (inclusive)

class SequenceTracker {
 public:
  static constexpr std::size_t kMaxGaps = 16;  // missing ranges remembered per stream

  explicit SequenceTracker(std::size_t max_publishers) : streams_(max_publishers) {}

  // Records `seq` from `publisher` on `channel`; returns how many events are missing
  // before it (0 when in order). A seq inside a remembered missing range is a late
  // arrival: it leaves the range and changes nothing else. Otherwise a sequence that
  // restarts at 1 (publisher restart) or goes backwards resets the stream without
  // counting.
  std::uint64_t observe(std::string_view publisher, Channel channel, std::uint64_t seq);
  // The publisher announced `head` as its last seq on `channel`: returns how many events
  // after the last one seen were lost (tail loss). Unknown streams are not started by a
  // head (events before our subscription took effect are not loss); a head at or below
  // the last seen seq is stale and ignored (restarts show as seq 1 in observe()).
  std::uint64_t observe_head(std::string_view publisher, Channel channel, std::uint64_t head);
  // The publisher says it sent [first, last] before the message now being handled (its
  // partition heal announcement): what of it was not seen is missing. Seqs beyond the
  // last seen become missing (counted in the return value, as tail loss); an unknown
  // stream starts at `last` with all of [first, last] missing (not counted). Appends the
  // missing parts of [first, last] to `out`, in order.
  std::uint64_t missing_in(std::string_view publisher, Channel channel, SeqRange range,
                           std::vector<SeqRange>& out);
  // True (once) when `seq` is remembered as missing: it is then no longer missing.
  bool claim(std::string_view publisher, Channel channel, std::uint64_t seq);

  std::size_t publishers() const noexcept { return streams_.size(); }
  std::uint64_t evictions() const noexcept { return streams_.evictions(); }

 private:
  struct Stream {
    std::uint64_t last = 0;       // last seq seen (0: not started)
    std::vector<SeqRange> gaps;   // missing ranges, ascending, at most kMaxGaps
  };
  static void add_gap(Stream& s, std::uint64_t first, std::uint64_t last);
  static bool take(Stream& s, std::uint64_t seq);

  LruTable<std::array<Stream, kChannelCount>> streams_;
};

}  // namespace vsm::detail
