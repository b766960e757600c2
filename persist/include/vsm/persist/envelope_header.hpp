// The fields a log query filters on and indexes by, read from a stored record (a
// single-event frame, docs/PROTOCOL.md §1) without decoding the payload or metadata and
// without allocating: vsm::peek_event_header() (lib/include/vsm/event_header.hpp). The
// one place persist/ reads record contents besides decode_event().
// Thread-safety: pure function.
//
//   if (auto h = vsm::persist::peek_envelope(body); h && h->channel == Channel::kAudit) ...
#pragma once

#include <optional>
#include <string_view>

#include "vsm/event_header.hpp"

namespace vsm::persist {

using EnvelopeHeader = EventHeader;

// Empty when `frame` is not a well-formed single-event frame.
std::optional<EnvelopeHeader> peek_envelope(std::string_view frame);

}  // namespace vsm::persist
