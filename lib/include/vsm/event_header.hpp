// The fields a log indexes and filters on, read from a single-event frame without
// decoding the payload or metadata and without allocating: every string is a view into
// the frame (frame_format.hpp). It checks the frame-level rules and the shape of the
// fields it reads (types, channel = topic, required keys, no repeated key); a frame that
// peeks fine may still fail decode_event() (names, UTF-8, payload). Errors allocate
// their message; success never allocates. Thread-safety: pure function.
//
//   vsm::EventHeader h;
//   if (vsm::peek_event_header(frame, h) && h.channel == Channel::kAudit) ...
#pragma once

#include <cstdint>
#include <string_view>

#include "vsm/channel.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_id.hpp"

namespace vsm {

struct EventHeader {
  Channel channel = Channel::kCommand;
  std::string_view source;          // from the topic
  std::string_view type;            // from the topic
  std::string_view target;          // "broadcast" when absent or empty, as decode_event()
  std::string_view node;            // ts.node; the source when absent, as decode_event()
  std::string_view correlation_id;  // empty when absent
  EventId id;
  std::uint64_t seq = 0;
  std::uint64_t wall_ms = 0;  // ts.wall_ms; 0 when absent
};

// Fills `out` from a single-event frame. A batch frame, or anything malformed, is an
// Error, and `out` is then unspecified. An out-parameter rather than a Result: a log
// scan peeks every record, and this way success costs no copy of the header.
Status peek_event_header(std::string_view frame, EventHeader& out, const CodecLimits& limits = {});

}  // namespace vsm
