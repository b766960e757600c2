// Decodes one event map (frame_format.hpp) into an Event, for FrameReader. Every field
// is checked as it is read (types, ranges, names, UTF-8, limits), so the result always
// passes validate_event(). Thread-safety: pure function.
#pragma once

#include "vsm/channel.hpp"
#include "vsm/codec.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm::detail {

// Reads one map at the reader's position into `out`, whose source and type come from
// `topic`. Reuses out's buffers (strings, payload, metadata nodes). On error `out` holds
// a valid but unspecified event and the reader's position is unspecified.
Status decode_event_map(MsgpackReader& reader, const TopicParts& topic, const CodecLimits& limits,
                        Event& out);

}  // namespace vsm::detail
