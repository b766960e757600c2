// Event codec for the data plane, protocol version 2 (frame_format.hpp, PROTOCOL.md §1):
// one event <-> one single-event frame "<channel>/<source>/<type>" 0x00 <event map>.
// Batches are built by BatchBuilder (batch_builder.hpp) and read by FrameReader
// (frame_reader.hpp). Decoding validates every type and limit and reports a clear Error;
// nothing throws across this API and no input can crash it.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/result.hpp"

namespace vsm {

struct CodecLimits {
  std::size_t max_event_bytes = 1 << 20;      // one event's msgpack map
  std::size_t max_frame_bytes = 4 << 20;      // a whole frame: topic, separator, body
  std::size_t max_batch_events = 4096;        // events in one batch frame
  std::size_t max_depth = 32;                 // nesting inside payload / metadata
  std::size_t max_string_bytes = 1 << 20;     // any str/bin
  std::size_t max_container_items = 1 << 16;  // any map/array
};

// Appends the single-event frame of `event` to `out` (callers reuse the buffer), every
// value in its smallest form and defaults omitted. Fails with kInvalid for an invalid
// field (validate_event) and kTooLarge when the event map exceeds limits.max_event_bytes;
// `out` is then restored to its previous size.
Status encode_event(const Event& event, std::string& out, const CodecLimits& limits = {});
// Convenience form returning a fresh buffer.
Result<std::string> encode_event(const Event& event, const CodecLimits& limits = {});

// For a publisher that numbers events after encoding them, so that encoding runs outside
// its queue lock: appends the complete single-event frame with seq and ts.wall_ms
// written as uint 64 and ts.logical as uint 32 (valid msgpack, not the smallest form)
// and ts.node = `ts_node` (omitted on the wire when it equals the source);
// event.ts and event.seq are ignored. patch_sequence() then fills in the real values in
// place. Same limits and failure behaviour as encode_event(), but the caller has
// validated the event: REQUIRES validate_event(event) passed (publish() checks it
// first; it is not repeated here) and ts_node is empty or a valid name (a node checks
// its name once, at start; only its length is checked here).
//   if (!validate_event(e)) ...;
//   auto slots = encode_event_unsequenced(e, node_name, buf);   // no lock held
//   ... under the lock: patch_sequence(buf.data(), *slots, ts.wall_ms, ts.logical, seq);
struct SequenceSlots {      // byte offsets from the first byte of the frame
  std::size_t wall_ms = 0;  // 8 bytes, big-endian
  std::size_t logical = 0;  // 4 bytes
  std::size_t seq = 0;      // 8 bytes
};
Result<SequenceSlots> encode_event_unsequenced(const Event& event, std::string_view ts_node,
                                               std::string& out, const CodecLimits& limits = {});
// REQUIRES: `frame` points at the first byte of a frame that encode_event_unsequenced()
// returned `slots` for.
void patch_sequence(char* frame, const SequenceSlots& slots, std::uint64_t wall_ms,
                    std::uint32_t logical, std::uint64_t seq) noexcept;

// Decodes a single-event frame occupying all of `frame` (a batch is refused with
// kInvalid: read those with FrameReader, or decode_frame()).
Result<Event> decode_event(std::string_view frame, const CodecLimits& limits = {});
// The same into an existing Event, whose strings, payload and metadata nodes keep their
// capacity: a receiver that decodes every event into one reused Event allocates nothing
// per event once its buffers are big enough. On error `out` holds a valid but
// unspecified event.
Status decode_event_into(std::string_view frame, Event& out, const CodecLimits& limits = {});
// Every event of a frame, single or batch; fails on the first event that does not
// decode. For tools and tests: a node reads frames with FrameReader instead.
Result<std::vector<Event>> decode_frame(std::string_view frame, const CodecLimits& limits = {});

// Checks that `bytes` holds exactly one well-formed msgpack value within limits.
Status validate_msgpack(std::string_view bytes, const CodecLimits& limits = {});

// Field checks shared by the codec and publish(): a non-nil id, names (source, type,
// target, ts.node: is_valid_name(), target and node may be empty), correlation and
// causation ids (<= 255 bytes of UTF-8), metadata keys (UTF-8), channel and priority
// ranges.
Status validate_event(const Event& event);

// Signatures (docs/PROTOCOL.md §1.14). The node whose key made (or makes) the signature
// of `event`: its signer, else its ts.node, else its source.
std::string_view effective_signer(const Event& event) noexcept;
// Appends what an Ed25519 signature of `event` covers: kSigningDomain, 0x00, the signer,
// 0x00, the topic, 0x00, then keys 1, 2 and 7..12 exactly as the encoder writes them
// (ascending, smallest forms, defaults omitted, metadata keys in byte order, payload and
// metadata values verbatim). Not seq, ts, the signature or the signer key, so the
// signature survives renumbering (a republished event) and is computed outside any
// lock. The crypto lives with the node (nodes/src/security). REQUIRES: validate_event().
void append_signing_bytes(const Event& event, std::string& out);

}  // namespace vsm
