#include "vsm/event_header.hpp"

#include "frame_parse.hpp"
#include "vsm/frame_format.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {
namespace {
namespace fmt = frame_format;

constexpr std::uint32_t bit(std::uint64_t key) { return 1u << key; }

// Reads one key's value into `h` when it is a header field, otherwise skips it.
// False when the value has the wrong type (or cannot be skipped within the limits).
bool read_field(MsgpackReader& r, std::uint64_t key, const CodecLimits& limits, EventHeader& h) {
  const auto str = [&r](std::string_view& out) {
    auto s = r.read_str();
    if (s) out = *s;
    return s.has_value();
  };
  switch (key) {
    case fmt::kKeyId: {
      auto b = r.read_bin();
      auto id = b ? EventId::from_bytes(*b) : std::nullopt;
      if (id) h.id = *id;
      return id.has_value();
    }
    case fmt::kKeyChannel: {
      auto v = r.read_uint();
      return v && *v == static_cast<std::uint64_t>(h.channel);
    }
    case fmt::kKeySeq: {
      auto v = r.read_uint();
      if (v) h.seq = *v;
      return v.has_value();
    }
    case fmt::kKeyWallMs: {
      auto v = r.read_uint();
      if (v) h.wall_ms = *v;
      return v.has_value();
    }
    case fmt::kKeyNode: return str(h.node);
    case fmt::kKeyTarget: return str(h.target);
    case fmt::kKeyCorrelation: return str(h.correlation_id);
    default:
      return r.skip_value(limits.max_depth + 1, limits.max_string_bytes, limits.max_container_items)
          .has_value();
  }
}

}  // namespace

Status peek_event_header(std::string_view frame, EventHeader& h, const CodecLimits& limits) {
  detail::ParsedFrame parsed;
  if (const auto fault = detail::parse_frame(frame, limits, parsed);
      fault != detail::FrameFault::kNone) {
    return detail::frame_error(fault, frame, limits);
  }
  MsgpackReader r(parsed.body);
  auto n = r.read_map_header();
  if (!n) return Error::invalid("not a single-event frame: the body is not a msgpack map");
  if (*n > fmt::kMaxEventKeys) return Error::invalid("event map has more than 64 keys");
  h.channel = parsed.topic.channel;
  h.source = parsed.topic.source;
  h.type = parsed.topic.type;
  h.target = h.node = h.correlation_id = {};  // the optional fields' defaults
  h.wall_ms = 0;
  std::uint32_t seen = 0;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_uint();
    if (!key)
      return Error::invalid("event map key " + std::to_string(i) + " is not an unsigned integer");
    if (*key < fmt::kKeyCount) {
      if (seen & bit(*key)) return Error::invalid("event map repeats key " + std::to_string(*key));
      seen |= bit(*key);
    }
    if (!read_field(r, *key, limits, h)) {
      return Error::invalid("event map key " + std::to_string(*key) +
                            " has a value of the wrong type or does not match the topic");
    }
  }
  if (!r.at_end()) return Error::invalid("trailing bytes after the event map");
  constexpr std::uint32_t kRequired = bit(fmt::kKeyId) | bit(fmt::kKeyChannel) | bit(fmt::kKeySeq);
  if ((seen & kRequired) != kRequired) return Error::invalid("event lacks id, channel or seq");
  if (h.target.empty()) h.target = kBroadcastTarget;
  if ((seen & bit(fmt::kKeyNode)) == 0) h.node = h.source;
  return {};
}

}  // namespace vsm
