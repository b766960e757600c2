#include <algorithm>

#include "vsm/codec.hpp"
#include "vsm/frame_reader.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {

Status decode_event_into(std::string_view frame, Event& out, const CodecLimits& limits) {
  FrameReader reader;
  if (auto st = reader.reset(frame, limits); !st) return st;
  if (reader.is_batch()) {
    return Error::invalid("frame holds a batch of " + std::to_string(reader.event_count()) +
                          " events; read it with FrameReader or decode_frame()");
  }
  return reader.next_into(out);
}

Result<Event> decode_event(std::string_view frame, const CodecLimits& limits) {
  // One return object on every path (NRVO): the event is decoded where it is returned.
  Result<Event> out{Event{}};
  if (auto st = decode_event_into(frame, *out, limits); !st) out = st.error();
  return out;
}

Result<std::vector<Event>> decode_frame(std::string_view frame, const CodecLimits& limits) {
  auto reader = FrameReader::open(frame, limits);
  if (!reader) return std::move(reader).error();
  std::vector<Event> events;
  events.reserve(std::min<std::size_t>(reader->event_count(), 64));  // a count is not a promise
  while (!reader->done()) {
    if (auto st = reader->next_into(events.emplace_back()); !st) return st.error();
  }
  return events;
}

Status validate_msgpack(std::string_view bytes, const CodecLimits& limits) {
  if (bytes.size() > limits.max_event_bytes)
    return Error::too_large("value exceeds max_event_bytes");
  MsgpackReader r(bytes);
  if (!r.skip_value(limits.max_depth, limits.max_string_bytes, limits.max_container_items)) {
    return Error::invalid("not well-formed msgpack (or beyond depth/size limits)");
  }
  if (!r.at_end()) return Error::invalid("trailing bytes after msgpack value");
  return {};
}

}  // namespace vsm
