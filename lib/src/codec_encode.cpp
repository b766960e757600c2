#include <cassert>
#include <cstring>

#include "msgpack_cursor.hpp"
#include "vsm/codec.hpp"
#include "vsm/envelope_format.hpp"

namespace vsm {
namespace fmt = envelope_format;
namespace {

// The rule of is_valid_name() (channel.hpp), eight bytes at a time: every event's names
// are checked on publish and on receipt. tests/lib checks both agree on every byte.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr bool any_byte_below(std::uint64_t x, std::uint8_t n) {  // exact for n <= 128
  return ((x - kOnes * n) & ~x & kHighs) != 0;
}
constexpr bool any_byte_is(std::uint64_t x, std::uint8_t b) {
  return any_byte_below(x ^ (kOnes * b), 1);
}
constexpr bool bad_word(std::uint64_t w) {
  return any_byte_below(w, 0x20) || any_byte_is(w, '/') || any_byte_is(w, 0x7f);
}

// Whole words, then the last (overlapping) word; names under 8 bytes as two overlapping
// 4-byte halves, under 4 bytes byte by byte.
bool valid_name(std::string_view name) noexcept {
  const std::size_t n = name.size();
  const char* p = name.data();
  if (n == 0 || n > kMaxNameBytes) return false;
  std::uint64_t w;
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&w, p + i, 8);
      if (bad_word(w)) return false;
    }
    std::memcpy(&w, p + n - 8, 8);
    return !bad_word(w);
  }
  if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return !bad_word(lo | static_cast<std::uint64_t>(hi) << 32);
  }
  w = kOnes * 'a';  // harmless filler
  std::memcpy(&w, p, 1);
  if (n > 1) std::memcpy(reinterpret_cast<char*>(&w) + 1, p + 1, 1);
  if (n > 2) std::memcpy(reinterpret_cast<char*>(&w) + 2, p + 2, 1);
  return !bad_word(w);
}

}  // namespace

Status validate_event(const Event& e) {
  if (e.id.empty() || e.id.size() > kMaxNameBytes) {
    return Error::invalid("event id must be 1..255 bytes (publish() assigns one when empty)");
  }
  if (!valid_name(e.source)) {
    return Error::invalid("source '" + e.source +
                          "' must be 1..255 bytes without '/' or control characters");
  }
  if (!valid_name(e.type)) {
    return Error::invalid("type '" + e.type +
                          "' must be 1..255 bytes without '/' or control characters");
  }
  if (!e.target.empty() && !valid_name(e.target)) {
    return Error::invalid("target '" + e.target + "' must be a valid name or 'broadcast'");
  }
  // The decoder bounds these to kMaxNameBytes too; never emit what receivers reject.
  if (e.correlation_id.size() > kMaxNameBytes || e.causation_id.size() > kMaxNameBytes ||
      e.ts.node.size() > kMaxNameBytes) {
    return Error::invalid("correlation_id, causation_id and ts.node must be at most 255 bytes");
  }
  if (static_cast<std::size_t>(e.channel) >= kChannelCount) {
    return Error::invalid("unknown channel value " + std::to_string(static_cast<int>(e.channel)));
  }
  if (e.priority > fmt::kMaxPriority) {
    return Error::invalid("priority must be 0..3, got " + std::to_string(e.priority));
  }
  return {};
}

namespace {

using detail::MsgpackCursor;

// Upper bound of the encoded envelope: a fixed allowance for keys, headers and numbers
// (13 keys of <= 4 bytes, 8 string headers of <= 5, ts and seq <= 19 + 9, channel
// name <= 16, metadata map header) plus every variable-size part.
std::size_t size_bound(const Event& e, std::string_view ts_node) {
  std::size_t n = 160 + e.id.size() + e.source.size() + e.target.size() + e.type.size() +
                  e.payload.encoded().size() + ts_node.size() + e.correlation_id.size() +
                  e.causation_id.size();
  for (const auto& [k, v] : e.metadata) {
    n += MsgpackCursor::kMaxHeader + k.size() + v.encoded().size();
  }
  return n;
}

// Shared by both encoders. With `slots`, ts and seq go out fixed-width and their
// offsets (relative to `start`) are recorded; otherwise the smallest form of e.ts/e.seq.
// The buffer is grown to an upper bound, written through a raw cursor, then trimmed.
// REQUIRES: validate_event(e) passed.
Status encode_fields(const Event& e, std::string_view ts_node, std::string& out,
                     const CodecLimits& limits, SequenceSlots* slots) {
  const std::size_t start = out.size();
  out.resize(start + size_bound(e, ts_node));
  char* const base = out.data() + start;
  MsgpackCursor w(base);
  std::uint32_t fields = 9;  // v id src tgt ch typ pl ts seq
  if (e.priority != kPriorityNormal) ++fields;
  if (!e.correlation_id.empty()) ++fields;
  if (!e.causation_id.empty()) ++fields;
  if (!e.metadata.empty()) ++fields;
  w.map_header(fields);
  w.str(fmt::kKeyVersion);
  w.uint(fmt::kEnvelopeVersion);
  w.str(fmt::kKeyId);
  w.str(e.id);
  w.str(fmt::kKeySource);
  w.str(e.source);
  w.str(fmt::kKeyTarget);
  w.str(e.target.empty() ? kBroadcastTarget : std::string_view(e.target));
  w.str(fmt::kKeyChannel);
  w.str(channel_name(e.channel));
  w.str(fmt::kKeyType);
  w.str(e.type);
  w.str(fmt::kKeyPayload);
  w.raw(e.payload.encoded());
  w.str(fmt::kKeyTimestamp);
  w.array_header(3);
  if (slots) {
    slots->wall_ms = static_cast<std::size_t>(w.uint64_fixed(0) - base);
    slots->logical = static_cast<std::size_t>(w.uint32_fixed(0) - base);
  } else {
    w.uint(e.ts.wall_ms);
    w.uint(e.ts.logical);
  }
  w.str(ts_node);
  w.str(fmt::kKeySeq);
  if (slots) {
    slots->seq = static_cast<std::size_t>(w.uint64_fixed(0) - base);
  } else {
    w.uint(e.seq);
  }
  if (e.priority != kPriorityNormal) {
    w.str(fmt::kKeyPriority);
    w.uint(e.priority);
  }
  if (!e.correlation_id.empty()) {
    w.str(fmt::kKeyCorrelation);
    w.str(e.correlation_id);
  }
  if (!e.causation_id.empty()) {
    w.str(fmt::kKeyCausation);
    w.str(e.causation_id);
  }
  if (!e.metadata.empty()) {
    w.str(fmt::kKeyMetadata);
    w.map_header(static_cast<std::uint32_t>(e.metadata.size()));
    for (const auto& [k, v] : e.metadata) {
      w.str(k);
      w.raw(v.encoded());
    }
  }
  const std::size_t size = static_cast<std::size_t>(w.pos() - base);
  if (size > limits.max_event_bytes) {
    out.resize(start);
    return Error::too_large("encoded event is " + std::to_string(size) + " bytes, limit is " +
                            std::to_string(limits.max_event_bytes) +
                            " (max_event_bytes); send large blobs out of band");
  }
  out.resize(start + size);
  return {};
}

}  // namespace

Status encode_event(const Event& e, std::string& out, const CodecLimits& limits) {
  if (auto st = validate_event(e); !st) return st;
  return encode_fields(e, e.ts.node, out, limits, nullptr);
}

Result<SequenceSlots> encode_event_unsequenced(const Event& e, std::string_view ts_node,
                                               std::string& out, const CodecLimits& limits) {
  assert(validate_event(e).ok());
  if (ts_node.size() > kMaxNameBytes) {
    return Error::invalid("correlation_id, causation_id and ts.node must be at most 255 bytes");
  }
  SequenceSlots slots;
  if (auto st = encode_fields(e, ts_node, out, limits, &slots); !st) return st.error();
  return slots;
}

Result<std::string> encode_event(const Event& event, const CodecLimits& limits) {
  std::string out;
  if (auto st = encode_event(event, out, limits); !st) return st.error();
  return out;
}

void patch_sequence(char* envelope, const SequenceSlots& slots, std::uint64_t wall_ms,
                    std::uint32_t logical, std::uint64_t seq) noexcept {
  MsgpackCursor::put_be(envelope + slots.wall_ms, wall_ms, 8);
  MsgpackCursor::put_be(envelope + slots.logical, logical, 4);
  MsgpackCursor::put_be(envelope + slots.seq, seq, 8);
}

}  // namespace vsm
