#include "vsm/frame_reader.hpp"

#include <cassert>

#include "event_decoder.hpp"
#include "frame_parse.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {
namespace {

bool is_map_tag(unsigned char t) noexcept { return (t & 0xf0) == 0x80 || t == 0xde || t == 0xdf; }
bool is_array_tag(unsigned char t) noexcept { return (t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd; }

}  // namespace

Status FrameReader::reset(std::string_view frame, const CodecLimits& limits) {
  count_ = read_ = pos_ = 0;  // done() until the frame passes
  batch_ = stopped_ = false;
  last_map_ = {};
  detail::ParsedFrame parsed;
  if (const auto fault = detail::parse_frame(frame, limits, parsed);
      fault != detail::FrameFault::kNone) {
    return detail::frame_error(fault, frame, limits);
  }
  const auto tag = static_cast<unsigned char>(parsed.body[0]);
  std::size_t count = 1;
  std::size_t header = 0;
  if (is_map_tag(tag)) {
    if (parsed.body.size() > limits.max_event_bytes) {
      return Error::too_large("event of " + std::to_string(parsed.body.size()) +
                              " bytes exceeds max_event_bytes " +
                              std::to_string(limits.max_event_bytes));
    }
  } else if (is_array_tag(tag)) {
    MsgpackReader r(parsed.body);
    auto n = r.read_array_header();
    if (!n) return Error::invalid("batch array header is truncated");
    if (*n == 0) return Error::invalid("batch frame holds no event");
    if (*n > limits.max_batch_events) {
      return Error::too_large("batch of " + std::to_string(*n) +
                              " events exceeds max_batch_events " +
                              std::to_string(limits.max_batch_events));
    }
    if (*n > r.remaining()) {
      return Error::invalid("batch declares " + std::to_string(*n) + " events in " +
                            std::to_string(r.remaining()) + " bytes");
    }
    count = *n;
    header = r.position();
  } else {
    return Error::invalid("frame body is neither a msgpack map (one event) nor an array (a batch)");
  }
  head_ = parsed.head;
  topic_ = parsed.topic;
  body_ = parsed.body.substr(header);
  limits_ = limits;
  count_ = count;
  batch_ = header != 0;
  return {};
}

Result<FrameReader> FrameReader::open(std::string_view frame, const CodecLimits& limits) {
  FrameReader reader;
  if (auto st = reader.reset(frame, limits); !st) return st.error();
  return reader;
}

Status FrameReader::next_into(Event& out) {
  assert(!done());
  const std::string_view rest = body_.substr(pos_);
  MsgpackReader r(rest);
  ++read_;
  Status st = detail::decode_event_map(r, topic_, limits_, out);
  std::size_t used = r.position();
  if (!st) {
    // Find the end of this map to go on with the next event; the event map and the
    // metadata map are one level each on top of the limits the decoder applies.
    MsgpackReader skipper(rest);
    auto map = skipper.skip_value(limits_.max_depth + 2, limits_.max_string_bytes,
                                  limits_.max_container_items);
    if (!map) {
      stopped_ = true;
      last_map_ = {};
      return st;
    }
    used = map->size();
  }
  last_map_ = rest.substr(0, used);
  pos_ += used;
  if (st && used > limits_.max_event_bytes) {
    st = Error::too_large("event of " + std::to_string(used) + " bytes exceeds max_event_bytes " +
                          std::to_string(limits_.max_event_bytes));
  }
  if (read_ == count_ && pos_ != body_.size() && st) {
    st = Error::invalid(std::to_string(body_.size() - pos_) +
                        " trailing bytes after the frame's last event");
  }
  return st;
}

void FrameReader::append_event_frame(std::string& out) const {
  out.reserve(out.size() + head_.size() + last_map_.size());
  out.append(head_).append(last_map_);
}

}  // namespace vsm
