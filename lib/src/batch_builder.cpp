#include "vsm/batch_builder.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "frame_parse.hpp"

namespace vsm {
namespace {

constexpr std::size_t kHeaderSlot = 3;  // array 16: 0xdc + big-endian count
constexpr std::size_t kMaxArray16 = 0xffff;

bool is_map_tag(unsigned char t) noexcept { return (t & 0xf0) == 0x80 || t == 0xde || t == 0xdf; }

}  // namespace

BatchBuilder::BatchBuilder(BatchLimits limits) : limits_(limits) {
  limits_.max_events = std::clamp<std::size_t>(limits_.max_events, 1, kMaxArray16);
}

std::string_view BatchBuilder::topic() const noexcept {
  if (count_ == 0) return {};
  return std::string_view(buf_).substr(0, topic_bytes_ - 1);
}

std::size_t BatchBuilder::frame_bytes() const noexcept {
  if (count_ == 0) return 0;
  return buf_.size() - kHeaderSlot + header_bytes(count_);
}

BatchBuilder::Add BatchBuilder::add(std::string_view frame) {
  assert(!finished_);
  const auto sep = detail::find_separator(frame);
  if (!sep || *sep + 1 >= frame.size() ||
      !is_map_tag(static_cast<unsigned char>(frame[*sep + 1]))) {
    return Add::kInvalid;
  }
  const std::string_view head = frame.substr(0, *sep + 1);
  const std::string_view map = frame.substr(*sep + 1);
  if (count_ == 0) {
    if (head.size() + header_bytes(1) + map.size() > limits_.max_bytes) return Add::kTooLarge;
    buf_.assign(head);
    buf_.append(kHeaderSlot, '\0');
    topic_bytes_ = head.size();
  } else {
    if (head != std::string_view(buf_).substr(0, topic_bytes_)) return Add::kOtherTopic;
    if (count_ == limits_.max_events ||
        frame_bytes() - header_bytes(count_) + header_bytes(count_ + 1) + map.size() >
            limits_.max_bytes) {
      return Add::kFull;
    }
  }
  buf_.append(map);
  ++count_;
  return Add::kAdded;
}

std::string_view BatchBuilder::finish() noexcept {
  assert(count_ > 0 && !finished_);
  finished_ = true;
  char* const slot = buf_.data() + topic_bytes_;
  if (count_ >= 16) {
    slot[0] = static_cast<char>(frame_format::kTagArray16);
    slot[1] = static_cast<char>(count_ >> 8);
    slot[2] = static_cast<char>(count_ & 0xff);
    return std::string_view(buf_).substr(0);
  }
  // fixarray: the header is the slot's last byte; the topic moves up next to it.
  slot[2] = static_cast<char>(0x90 | count_);
  std::memmove(buf_.data() + 2, buf_.data(), topic_bytes_);
  return std::string_view(buf_).substr(2);
}

void BatchBuilder::clear() noexcept {
  buf_.clear();
  topic_bytes_ = 0;
  count_ = 0;
  finished_ = false;
}

}  // namespace vsm
