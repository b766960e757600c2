// msgpack codec for the envelope. Decoding validates every type and limit and reports
// a clear Error; nothing throws across this API and no input can crash it.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
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

// Decodes one envelope occupying all of `bytes`.
Result<Event> decode_event(std::string_view bytes, const CodecLimits& limits = {});

// Checks that `bytes` holds exactly one well-formed msgpack value within limits.
Status validate_msgpack(std::string_view bytes, const CodecLimits& limits = {});

// Field checks shared by the codec and publish(): names, channel/priority ranges.
Status validate_event(const Event& event);

}  // namespace vsm
