// Splits a data-plane frame into topic and body and checks the frame-level rules
// (frame_format.hpp): size, separator, topic, non-empty body. Shared by FrameReader,
// peek_event_header() and BatchBuilder. The checks allocate nothing; an Error (with its
// message) is built only for a frame that fails. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vsm/channel.hpp"
#include "vsm/codec.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct ParsedFrame {
  std::string_view head;  // topic + separator: the part every event of the frame shares
  TopicParts topic{};     // views into head
  std::string_view body;  // one event map or a batch array, not yet checked
};

// The position of the separator, searched only where a topic can end; empty when there
// is none there. Checks nothing else.
std::optional<std::size_t> find_separator(std::string_view frame) noexcept;

enum class FrameFault : std::uint8_t { kNone, kTooLarge, kNoSeparator, kBadTopic, kNoBody };

// Fills `out` and returns kNone, or returns the first rule the frame breaks: kTooLarge
// above limits.max_frame_bytes, no separator, a topic that is not
// "<channel>/<name>/<name>" (channel.hpp), an empty body.
FrameFault parse_frame(std::string_view frame, const CodecLimits& limits,
                       ParsedFrame& out) noexcept;
// The Error for what parse_frame() reported (kTooLarge or kInvalid, with the details).
// REQUIRES: fault != kNone.
Error frame_error(FrameFault fault, std::string_view frame, const CodecLimits& limits);

}  // namespace vsm::detail
