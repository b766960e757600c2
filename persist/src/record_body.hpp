// The record body: the only code in persist/ that knows how an event is encoded in a
// record: the single-event frame of docs/PROTOCOL.md §1, the very bytes a single-event
// message carries on the wire (encode_event, decode_event, peek_envelope).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "segment_index.hpp"
#include "vsm/codec.hpp"
#include "vsm/event.hpp"
#include "vsm/persist/envelope_header.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

// Appends the body of `event` to `out`.
Status encode_body(const Event& event, std::string& out, const CodecLimits& limits);

// The full event. Errors: the codec's (kInvalid, kTooLarge).
Result<Event> decode_body(std::string_view body, const CodecLimits& limits);

// The filterable fields, without decoding the payload; empty when the body is not an
// event (then decode_body() fails too).
inline std::optional<EnvelopeHeader> peek_body(std::string_view body) {
  return peek_envelope(body);
}

// Channel and seq of a body for the index (RecordMeta::kNoChannel if it does not peek).
void peek_channel_seq(std::string_view body, RecordMeta& meta);

}  // namespace vsm::persist::detail
