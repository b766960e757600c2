#include <cassert>

#include "msgpack_cursor.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"
#include "vsm/utf8.hpp"

namespace vsm {
namespace fmt = frame_format;

Status validate_event(const Event& e) {
  if (e.id.is_nil()) return Error::invalid("event id is nil (publish() assigns one)");
  if (!is_valid_name(e.source)) {
    return Error::invalid("source '" + e.source +
                          "' must be 1..255 bytes of UTF-8 without '/' or control characters");
  }
  if (!is_valid_name(e.type)) {
    return Error::invalid("type '" + e.type +
                          "' must be 1..255 bytes of UTF-8 without '/' or control characters");
  }
  if (!e.target.empty() && !is_valid_name(e.target)) {
    return Error::invalid("target '" + e.target + "' must be a valid name or 'broadcast'");
  }
  if (!e.ts.node.empty() && !is_valid_name(e.ts.node)) {
    return Error::invalid("ts.node '" + e.ts.node + "' must be a valid node name");
  }
  // The decoder bounds these too; never emit what receivers reject.
  for (const std::string* s : {&e.correlation_id, &e.causation_id}) {
    if (s->size() > fmt::kMaxStringFieldBytes || !is_valid_utf8(*s)) {
      return Error::invalid("correlation_id and causation_id must be at most 255 bytes of UTF-8");
    }
  }
  if (static_cast<std::size_t>(e.channel) >= kChannelCount) {
    return Error::invalid("unknown channel value " + std::to_string(static_cast<int>(e.channel)));
  }
  if (e.priority > fmt::kMaxPriority) {
    return Error::invalid("priority must be 0..3, got " + std::to_string(e.priority));
  }
  for (const auto& [key, value] : e.metadata) {
    if (!is_valid_utf8(key)) return Error::invalid("metadata keys must be UTF-8");
  }
  if (!e.signature.empty() && e.signature.size() != fmt::kSignatureBytes) {
    return Error::invalid("signature must be 64 bytes (Ed25519) or empty, got " +
                          std::to_string(e.signature.size()));
  }
  if (!e.signer.empty() && (e.signature.empty() || !is_valid_name(e.signer))) {
    return Error::invalid("signer '" + e.signer + "' must be a valid node name, with a signature");
  }
  return {};
}

std::string_view effective_signer(const Event& e) noexcept {
  if (!e.signer.empty()) return e.signer;
  return e.ts.node.empty() ? std::string_view(e.source) : std::string_view(e.ts.node);
}

namespace {

using detail::MsgpackCursor;

bool is_broadcast(std::string_view target) noexcept {
  return target.empty() || target == kBroadcastTarget;
}
bool is_nil_payload(const Value& v) noexcept {
  return v.empty() || v.bytes() == std::string_view("\xc0", 1);
}

// Upper bound of the frame: the topic, a fixed allowance for the map header, the 13
// one-byte keys and the fixed-size values (id 18, channel 1, seq/wall_ms 9, logical 5,
// priority 1, five str headers of <= 2), plus every variable-size part.
std::size_t size_bound(const Event& e, std::string_view ts_node) {
  std::size_t n = 80 + channel_name(e.channel).size() + e.source.size() + e.type.size() +
                  ts_node.size() + e.target.size() + e.correlation_id.size() +
                  e.causation_id.size() + e.payload.encoded().size() + MsgpackCursor::kMaxHeader +
                  e.signature.size() + e.signer.size() + 8;
  for (const auto& [k, v] : e.metadata) {
    n += MsgpackCursor::kMaxHeader + k.size() + v.encoded().size();
  }
  return n;
}

// The fields a publisher may patch after encoding: with `slots`, seq, wall_ms and
// logical go out fixed-width and their offsets (from `base`, the start of the frame) are
// recorded; otherwise the smallest form of e.seq / e.ts, zero timestamps omitted.
void write_sequence(MsgpackCursor& w, const Event& e, SequenceSlots* slots, const char* base) {
  const auto offset = [base](const char* at) { return static_cast<std::size_t>(at - base); };
  w.uint(fmt::kKeySeq);
  if (slots) {
    slots->seq = offset(w.uint64_fixed(0));
    w.uint(fmt::kKeyWallMs);
    slots->wall_ms = offset(w.uint64_fixed(0));
    w.uint(fmt::kKeyLogical);
    slots->logical = offset(w.uint32_fixed(0));
    return;
  }
  w.uint(e.seq);
  if (e.ts.wall_ms != 0) {
    w.uint(fmt::kKeyWallMs);
    w.uint(e.ts.wall_ms);
  }
  if (e.ts.logical != 0) {
    w.uint(fmt::kKeyLogical);
    w.uint(e.ts.logical);
  }
}

// Keys 7..12, the content after the numbering and ts.node: what the map and the signed
// bytes share. REQUIRES: validate_event(e) passed.
void write_content(MsgpackCursor& w, const Event& e) {
  const auto str = [&w](std::uint8_t key, bool present, std::string_view s) {
    if (!present) return;
    w.uint(key);
    w.str(s);
  };
  str(fmt::kKeyTarget, !is_broadcast(e.target), e.target);
  if (e.priority != kPriorityNormal) {
    w.uint(fmt::kKeyPriority);
    w.uint(e.priority);
  }
  str(fmt::kKeyCorrelation, !e.correlation_id.empty(), e.correlation_id);
  str(fmt::kKeyCausation, !e.causation_id.empty(), e.causation_id);
  if (!is_nil_payload(e.payload)) {
    w.uint(fmt::kKeyPayload);
    w.raw(e.payload.encoded());
  }
  if (!e.metadata.empty()) {
    w.uint(fmt::kKeyMetadata);
    w.map_header(static_cast<std::uint32_t>(e.metadata.size()));
    for (const auto& [k, v] : e.metadata) {  // std::map: keys in byte order
      w.str(k);
      w.raw(v.encoded());
    }
  }
}

std::uint32_t content_fields(const Event& e) {
  return !is_broadcast(e.target) + (e.priority != kPriorityNormal) + !e.correlation_id.empty() +
         !e.causation_id.empty() + !is_nil_payload(e.payload) + !e.metadata.empty();
}

// The event map, keys ascending, defaults omitted. REQUIRES: validate_event(e) passed.
void write_event_map(MsgpackCursor& w, const Event& e, std::string_view ts_node,
                     SequenceSlots* slots, const char* base) {
  const bool node = !ts_node.empty() && ts_node != e.source;
  const bool wall = slots || e.ts.wall_ms != 0;
  const bool logical = slots || e.ts.logical != 0;
  const bool signature = !e.signature.empty();
  const std::string_view wire_node = ts_node.empty() ? std::string_view(e.source) : ts_node;
  const bool signer = signature && !e.signer.empty() && e.signer != wire_node;
  w.map_header(3 + wall + logical + node + content_fields(e) + signature + signer);
  w.uint(fmt::kKeyId);
  w.bin(e.id.bytes());
  w.uint(fmt::kKeyChannel);
  w.uint(static_cast<std::uint8_t>(e.channel));
  write_sequence(w, e, slots, base);
  if (node) {
    w.uint(fmt::kKeyNode);
    w.str(ts_node);
  }
  write_content(w, e);
  if (signature) {
    w.uint(fmt::kKeySignature);
    w.bin(e.signature);
  }
  if (signer) {
    w.uint(fmt::kKeySigner);
    w.str(e.signer);
  }
}

// Shared by both encoders: topic, separator, event map. The buffer is grown to an upper
// bound, written through a raw cursor, then trimmed. REQUIRES: validate_event(e) passed.
Status encode_frame(const Event& e, std::string_view ts_node, std::string& out,
                    const CodecLimits& limits, SequenceSlots* slots) {
  const std::size_t start = out.size();
  out.resize(start + size_bound(e, ts_node));
  char* const base = out.data() + start;
  MsgpackCursor w(base);
  w.raw(channel_name(e.channel));
  w.raw("/");
  w.raw(e.source);
  w.raw("/");
  w.raw(e.type);
  w.raw(std::string_view(&fmt::kSeparator, 1));
  char* const map = w.pos();
  write_event_map(w, e, ts_node, slots, base);
  const std::size_t map_size = static_cast<std::size_t>(w.pos() - map);
  if (map_size > limits.max_event_bytes) {
    out.resize(start);
    return Error::too_large("encoded event is " + std::to_string(map_size) + " bytes, limit is " +
                            std::to_string(limits.max_event_bytes) +
                            " (max_event_bytes); send large blobs out of band");
  }
  out.resize(start + static_cast<std::size_t>(w.pos() - base));
  return {};
}

}  // namespace

Status encode_event(const Event& e, std::string& out, const CodecLimits& limits) {
  if (auto st = validate_event(e); !st) return st;
  return encode_frame(e, e.ts.node, out, limits, nullptr);
}

Result<SequenceSlots> encode_event_unsequenced(const Event& e, std::string_view ts_node,
                                               std::string& out, const CodecLimits& limits) {
  assert(validate_event(e).ok());
  if (ts_node.size() > kMaxNameBytes) {  // a cheap guard; the full rule is the caller's
    return Error::invalid("ts.node must be at most 255 bytes");
  }
  assert(ts_node.empty() || is_valid_name(ts_node));
  SequenceSlots slots;
  if (auto st = encode_frame(e, ts_node, out, limits, &slots); !st) return st.error();
  return slots;
}

Result<std::string> encode_event(const Event& event, const CodecLimits& limits) {
  std::string out;
  if (auto st = encode_event(event, out, limits); !st) return st.error();
  return out;
}

void append_signing_bytes(const Event& e, std::string& out) {
  assert(validate_event(e).ok());
  const std::string_view signer = effective_signer(e);
  const std::size_t start = out.size();
  out.resize(start + size_bound(e, signer) + fmt::kSigningDomain.size());
  MsgpackCursor w(out.data() + start);
  const std::string_view sep(&fmt::kSeparator, 1);
  w.raw(fmt::kSigningDomain);
  w.raw(sep);
  w.raw(signer);
  w.raw(sep);
  w.raw(channel_name(e.channel));
  w.raw("/");
  w.raw(e.source);
  w.raw("/");
  w.raw(e.type);
  w.raw(sep);
  w.uint(fmt::kKeyId);
  w.bin(e.id.bytes());
  w.uint(fmt::kKeyChannel);
  w.uint(static_cast<std::uint8_t>(e.channel));
  write_content(w, e);
  out.resize(static_cast<std::size_t>(w.pos() - out.data()));
}

void patch_sequence(char* frame, const SequenceSlots& slots, std::uint64_t wall_ms,
                    std::uint32_t logical, std::uint64_t seq) noexcept {
  MsgpackCursor::put_be64(frame + slots.wall_ms, wall_ms);
  MsgpackCursor::put_be32(frame + slots.logical, logical);
  MsgpackCursor::put_be64(frame + slots.seq, seq);
}

}  // namespace vsm
