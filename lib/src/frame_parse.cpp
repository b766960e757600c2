#include "frame_parse.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "vsm/frame_format.hpp"

namespace vsm::detail {
namespace {

// A bounded, printable copy of untrusted bytes for an error message.
std::string printable(std::string_view bytes) {
  std::string s(bytes.substr(0, 64));
  for (char& c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f) c = '?';
  }
  return s;
}

}  // namespace

std::optional<std::size_t> find_separator(std::string_view frame) noexcept {
  const std::size_t n = std::min(frame.size(), frame_format::kMaxTopicBytes + 1);
  const void* at = n == 0 ? nullptr : std::memchr(frame.data(), frame_format::kSeparator, n);
  if (at == nullptr) return std::nullopt;
  return static_cast<std::size_t>(static_cast<const char*>(at) - frame.data());
}

FrameFault parse_frame(std::string_view frame, const CodecLimits& limits,
                       ParsedFrame& out) noexcept {
  if (frame.size() > limits.max_frame_bytes) return FrameFault::kTooLarge;
  const auto sep = find_separator(frame);
  if (!sep) return FrameFault::kNoSeparator;
  auto parts = parse_topic(frame.substr(0, *sep));
  if (!parts) return FrameFault::kBadTopic;
  if (*sep + 1 == frame.size()) return FrameFault::kNoBody;
  out.head = frame.substr(0, *sep + 1);
  out.topic = *parts;
  out.body = frame.substr(*sep + 1);
  return FrameFault::kNone;
}

Error frame_error(FrameFault fault, std::string_view frame, const CodecLimits& limits) {
  switch (fault) {
    case FrameFault::kTooLarge:
      return Error::too_large("frame of " + std::to_string(frame.size()) +
                              " bytes exceeds max_frame_bytes " +
                              std::to_string(limits.max_frame_bytes));
    case FrameFault::kNoSeparator:
      return Error::invalid("frame has no 0x00 after a topic of at most " +
                            std::to_string(frame_format::kMaxTopicBytes) +
                            " bytes (not a protocol 2 data frame)");
    case FrameFault::kBadTopic:
      return Error::invalid("topic '" + printable(frame.substr(0, frame.find('\0'))) +
                            "' is not <channel>/<source>/<type> with valid names");
    case FrameFault::kNoBody: return Error::invalid("frame has no body after its topic");
    case FrameFault::kNone: break;
  }
  assert(false && "frame_error() of a frame without a fault");
  return Error::invalid("frame has no fault");
}

}  // namespace vsm::detail
