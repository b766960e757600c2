// msgpack codec for the envelope. Decoding validates every type and limit and reports
// a clear Error; nothing throws across this API and no input can crash it.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/event.hpp"
#include "vsm/result.hpp"

namespace vsm {

struct CodecLimits {
  std::size_t max_event_bytes = 1 << 20;      // whole encoded envelope
  std::size_t max_depth = 32;                 // nesting inside payload / metadata
  std::size_t max_string_bytes = 1 << 20;     // any str/bin
  std::size_t max_container_items = 1 << 16;  // any map/array
};

// Appends the encoded envelope of `event` to `out` (callers reuse the buffer).
// Fails with kTooLarge when the result exceeds limits.max_event_bytes (out is then
// restored to its previous size) and kInvalid for an invalid field.
Status encode_event(const Event& event, std::string& out, const CodecLimits& limits = {});
// Convenience form returning a fresh buffer.
Result<std::string> encode_event(const Event& event, const CodecLimits& limits = {});

// For a publisher that numbers events after encoding them, so encoding runs outside its
// queue lock: appends the envelope with ts.wall_ms, ts.logical and seq written as
// fixed-width uints (valid msgpack, not the smallest form) and ts.node = `ts_node`
// (event.ts and event.seq are ignored); patch_sequence() then fills in the real values
// in place. Same limits and failure behaviour as encode_event(), but the caller has
// validated the event: REQUIRES validate_event(event) passed (publish() checks it first;
// it is not repeated here). ts_node is checked (<= 255 bytes).
//   if (!validate_event(e)) ...;
//   auto slots = encode_event_unsequenced(e, node_name, buf);   // no lock held
//   ... under the lock: patch_sequence(buf.data(), *slots, ts.wall_ms, ts.logical, seq);
struct SequenceSlots {  // byte offsets from the start of the envelope
  std::size_t wall_ms = 0;  // 8 bytes, big-endian
  std::size_t logical = 0;  // 4 bytes
  std::size_t seq = 0;      // 8 bytes
};
Result<SequenceSlots> encode_event_unsequenced(const Event& event, std::string_view ts_node,
                                               std::string& out, const CodecLimits& limits = {});
// REQUIRES: `envelope` points at the first byte of an envelope that
// encode_event_unsequenced() returned `slots` for.
void patch_sequence(char* envelope, const SequenceSlots& slots, std::uint64_t wall_ms,
                    std::uint32_t logical, std::uint64_t seq) noexcept;

// Decodes one envelope occupying all of `bytes`.
Result<Event> decode_event(std::string_view bytes, const CodecLimits& limits = {});
// The same into an existing Event, whose strings keep their capacity: a receiver that
// decodes every event into one reused Event allocates nothing per event. On error
// `out` holds a valid but unspecified event.
Status decode_event_into(std::string_view bytes, Event& out, const CodecLimits& limits = {});

// Checks that `bytes` holds exactly one well-formed msgpack value within limits.
Status validate_msgpack(std::string_view bytes, const CodecLimits& limits = {});

// Field checks shared by the codec and publish(): names, channel/priority ranges.
Status validate_event(const Event& event);

}  // namespace vsm
