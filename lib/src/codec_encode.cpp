#include "vsm/codec.hpp"
#include "vsm/envelope_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace fmt = envelope_format;

Status validate_event(const Event& e) {
  if (e.id.empty() || e.id.size() > kMaxNameBytes) {
    return Error::invalid("event id must be 1..255 bytes (publish() assigns one when empty)");
  }
  if (!is_valid_name(e.source)) {
    return Error::invalid("source '" + e.source +
                          "' must be 1..255 bytes without '/' or control characters");
  }
  if (!is_valid_name(e.type)) {
    return Error::invalid("type '" + e.type +
                          "' must be 1..255 bytes without '/' or control characters");
  }
  if (!e.target.empty() && !is_valid_name(e.target)) {
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

Status encode_event(const Event& e, std::string& out, const CodecLimits& limits) {
  if (auto st = validate_event(e); !st) return st;
  const std::size_t start = out.size();
  MsgpackWriter w(out);
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
  w.uint(e.ts.wall_ms);
  w.uint(e.ts.logical);
  w.str(e.ts.node);
  w.str(fmt::kKeySeq);
  w.uint(e.seq);
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
  const std::size_t size = out.size() - start;
  if (size > limits.max_event_bytes) {
    out.resize(start);
    return Error::too_large("encoded event is " + std::to_string(size) + " bytes, limit is " +
                            std::to_string(limits.max_event_bytes) +
                            " (max_event_bytes); send large blobs out of band");
  }
  return {};
}

Result<std::string> encode_event(const Event& event, const CodecLimits& limits) {
  std::string out;
  if (auto st = encode_event(event, out, limits); !st) return st.error();
  return out;
}

}  // namespace vsm
