// The envelope fields a log query filters on, read from encoded bytes without decoding
// the payload or metadata and without allocating: every string is a view into the
// envelope (docs/PROTOCOL.md §1.3). Used to skip non-matching records cheaply and to
// index records by channel and sequence. It checks only the shape of the fields it
// reads; a record that peeks fine may still fail decode_event().
// Thread-safety: pure function.
//
//   if (auto h = vsm::persist::peek_envelope(body); h && h->channel == Channel::kAudit) ...
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vsm/channel.hpp"

namespace vsm::persist {

struct EnvelopeHeader {
  std::string_view id;
  std::string_view source;
  std::string_view target;  // "broadcast" when absent or empty, as decode_event() does
  std::string_view type;
  std::string_view node;  // ts.node: the publishing node
  std::string_view correlation_id;
  Channel channel = Channel::kCommand;
  std::uint64_t seq = 0;
  std::uint64_t wall_ms = 0;  // ts.wall_ms
};

// Empty when `envelope` is not a map or a required field (id, src, ch, typ, ts, seq)
// is missing or of the wrong type.
std::optional<EnvelopeHeader> peek_envelope(std::string_view envelope);

}  // namespace vsm::persist
