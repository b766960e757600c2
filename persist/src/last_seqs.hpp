// The highest Event::seq per channel that one publisher logged, for sequence
// continuation after a restart (EventLog::last_seqs). Index blocks carry each
// channel's seq range (of every publisher), so for each channel the blocks are read in
// decreasing order of their highest seq until no unread block can beat what was found:
// usually one block per channel. Segments whose header is damaged have no index: their
// records are salvaged (each carries its own checksum), so a damaged header never
// causes a reused seq. Thread-safety: plain function over a snapshot.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "segment_set.hpp"
#include "vsm/channel.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

Result<std::array<std::uint64_t, kChannelCount>> find_last_seqs(const SegmentList& segments,
                                                                std::string_view publisher);

}  // namespace vsm::persist::detail
