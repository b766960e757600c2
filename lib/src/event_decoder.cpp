#include "event_decoder.hpp"

#include <cstring>
#include <optional>

#include "vsm/frame_format.hpp"
#include "vsm/utf8.hpp"

namespace vsm::detail {
namespace {
namespace fmt = frame_format;

static_assert(fmt::kKeyCount <= 32, "seen_ is a 32-bit mask of known keys");

constexpr std::uint32_t bit(std::uint8_t key) { return 1u << key; }

// string::assign that skips the generic replace path when the length is unchanged: a
// receiver decodes the same source, type and node into the same Event over and over.
void assign(std::string& s, std::string_view v) {
  if (s.size() == v.size()) {
    if (!v.empty()) std::memcpy(s.data(), v.data(), v.size());
  } else {
    s.assign(v);
  }
}
constexpr std::uint32_t kRequired = bit(fmt::kKeyId) | bit(fmt::kKeyChannel) | bit(fmt::kKeySeq);

// Fills `e` in place. Field handlers return false after recording the error: the Error
// (and its message) is only built on failure.
class EventMapDecoder {
 public:
  EventMapDecoder(MsgpackReader& r, const TopicParts& topic, const CodecLimits& limits, Event& e)
      : r_(r), topic_(topic), limits_(limits), e_(e) {}

  Status run() {
    auto n = r_.read_map_header();
    if (!n) return Error::invalid("event is not a msgpack map");
    if (*n > fmt::kMaxEventKeys) {
      return Error::invalid("event map has " + std::to_string(*n) + " keys (max 64)");
    }
    reset_defaults();
    for (std::uint32_t i = 0; i < *n; ++i) {
      auto key = r_.read_uint();
      if (!key)
        return Error::invalid("event map key " + std::to_string(i) + " is not an unsigned integer");
      if (!field(*key)) return std::move(*error_);
    }
    if ((seen_ & kRequired) != kRequired) {
      return Error::invalid("event lacks required key " +
                            std::string((seen_ & bit(fmt::kKeyId)) == 0        ? "1 (id)"
                                        : (seen_ & bit(fmt::kKeyChannel)) == 0 ? "2 (channel)"
                                                                               : "3 (seq)"));
    }
    if ((seen_ & bit(fmt::kKeyNode)) == 0) assign(e_.ts.node, topic_.source);
    if ((seen_ & bit(fmt::kKeyMetadata)) == 0) e_.metadata.clear();
    if ((seen_ & bit(fmt::kKeySigner)) != 0 && (seen_ & bit(fmt::kKeySignature)) == 0) {
      return Error::invalid("event has key 14 (signer) without key 13 (signature)");
    }
    // The signer defaults to ts.node; made explicit so that a republisher keeps it.
    if ((seen_ & bit(fmt::kKeySignature)) != 0 && (seen_ & bit(fmt::kKeySigner)) == 0) {
      assign(e_.signer, e_.ts.node);
    }
    return {};
  }

 private:
  // Every optional field takes its default unless the map has it; metadata is reset by
  // run() only when absent, so its nodes can be recycled by metadata().
  void reset_defaults() {
    assign(e_.source, topic_.source);
    assign(e_.type, topic_.type);
    e_.channel = topic_.channel;
    assign(e_.target, kBroadcastTarget);
    e_.payload.clear();
    e_.ts.wall_ms = 0;
    e_.ts.logical = 0;
    e_.priority = kPriorityNormal;
    e_.correlation_id.clear();
    e_.causation_id.clear();
    e_.signature.clear();
    e_.signer.clear();
  }

  bool field(std::uint64_t key) {
    if (key < fmt::kKeyCount) {
      const auto k = static_cast<std::uint8_t>(key);
      if (seen_ & bit(k)) return fail_repeated(k);
      seen_ |= bit(k);
    }
    switch (key) {
      case fmt::kKeyVersion: return version();
      case fmt::kKeyId: return id();
      case fmt::kKeyChannel: return channel();
      case fmt::kKeySeq: return uint(e_.seq, "3 (seq)");
      case fmt::kKeyWallMs: return uint(e_.ts.wall_ms, "4 (ts.wall_ms)");
      case fmt::kKeyLogical: return logical();
      case fmt::kKeyNode: return name(e_.ts.node, "6 (ts.node)");
      case fmt::kKeyTarget: return name(e_.target, "7 (target)", true);
      case fmt::kKeyPriority: return priority();
      case fmt::kKeyCorrelation: return text(e_.correlation_id, "9 (correlation id)");
      case fmt::kKeyCausation: return text(e_.causation_id, "10 (causation id)");
      case fmt::kKeyPayload: return payload();
      case fmt::kKeyMetadata: return metadata();
      case fmt::kKeySignature: return signature();
      case fmt::kKeySigner: return name(e_.signer, "14 (signer)");
      default: break;
    }
    // Unknown key: skip its value (forward compatibility).
    return skip() || fail_unknown(key);
  }

  // Errors are built out of line, so that field() and its handlers, called for every
  // key of every event, keep a small stack frame.
  [[gnu::cold, gnu::noinline]] bool fail(Error e) {
    error_.emplace(std::move(e));
    return false;
  }
  [[gnu::cold, gnu::noinline]] bool fail_type(const char* key, const char* what) {
    return fail(Error::invalid(std::string("key ") + key + " must be " + what));
  }
  [[gnu::cold, gnu::noinline]] bool fail_repeated(std::uint8_t key) {
    return fail(Error::invalid("event map repeats key " + std::to_string(key)));
  }
  [[gnu::cold, gnu::noinline]] bool fail_unknown(std::uint64_t key) {
    return fail(Error::invalid("malformed value for unknown key " + std::to_string(key)));
  }
  [[gnu::cold, gnu::noinline]] bool fail_version(std::uint64_t v) {
    return fail(Error::unsupported("event version " + std::to_string(v) + " is newer than " +
                                   std::to_string(fmt::kVersion) + "; upgrade vsmfabric"));
  }
  [[gnu::cold, gnu::noinline]] bool fail_channel(std::uint64_t v) {
    return fail(Error::invalid("channel " + std::to_string(v) + " in the event does not match '" +
                               std::string(channel_name(topic_.channel)) + "' in the topic"));
  }

  std::optional<std::string_view> skip(std::size_t depth_used = 0) {
    // Saturate: with max_depth 0 an unsigned wrap would lift the depth limit entirely.
    const std::size_t depth = depth_used > limits_.max_depth ? 0 : limits_.max_depth - depth_used;
    return r_.skip_value(depth, limits_.max_string_bytes, limits_.max_container_items);
  }

  bool version() {
    auto v = r_.read_uint();
    if (!v) return fail_type("0 (version)", "an unsigned integer");
    return *v <= fmt::kVersion || fail_version(*v);
  }

  bool id() {
    auto b = r_.read_bin();
    if (!b || b->size() != EventId::kSize) return fail_type("1 (id)", "a 16-byte bin");
    e_.id = *EventId::from_bytes(*b);
    if (e_.id.is_nil()) return fail_type("1 (id)", "16 bytes, not all zero");
    return true;
  }

  bool channel() {
    auto v = r_.read_uint();
    if (!v || *v >= kChannelCount) return fail_type("2 (channel)", "an integer 0..4");
    return static_cast<Channel>(*v) == topic_.channel || fail_channel(*v);
  }

  bool uint(std::uint64_t& out, const char* key) {
    auto v = r_.read_uint();
    if (!v) return fail_type(key, "an unsigned integer");
    out = *v;
    return true;
  }

  bool logical() {
    auto v = r_.read_uint();
    if (!v || *v > UINT32_MAX) return fail_type("5 (ts.logical)", "an unsigned 32-bit integer");
    e_.ts.logical = static_cast<std::uint32_t>(*v);
    return true;
  }

  // ts.node and target: names; an empty target means broadcast, as on the encoder side
  // (keeps decode/encode inverse).
  bool name(std::string& out, const char* key, bool empty_is_default = false) {
    auto s = r_.read_str();
    if (s && s->empty() && empty_is_default) return true;
    if (!s || !is_valid_name(*s)) {
      return fail_type(key, "a name: 1..255 bytes of UTF-8 without '/' or control characters");
    }
    assign(out, *s);
    return true;
  }

  bool text(std::string& out, const char* key) {
    auto s = r_.read_str();
    if (!s || s->size() > fmt::kMaxStringFieldBytes || !is_valid_utf8(*s)) {
      return fail_type(key, "a string of at most 255 bytes of UTF-8");
    }
    assign(out, *s);
    return true;
  }

  bool priority() {
    auto v = r_.read_uint();
    if (!v || *v > fmt::kMaxPriority) return fail_type("8 (priority)", "an integer 0..3");
    e_.priority = static_cast<std::uint8_t>(*v);
    return true;
  }

  bool payload() {
    auto v = skip();
    if (!v)
      return fail_type("11 (payload)", "well-formed msgpack within the limits (depth, sizes)");
    e_.payload.assign_encoded(*v);
    return true;
  }

  bool signature() {
    auto b = r_.read_bin();
    if (!b || b->size() != fmt::kSignatureBytes)
      return fail_type("13 (signature)", "a 64-byte bin");
    assign(e_.signature, *b);
    return true;
  }

  [[gnu::noinline]] bool metadata();

  MsgpackReader& r_;
  const TopicParts& topic_;
  const CodecLimits& limits_;
  Event& e_;
  std::uint32_t seen_ = 0;  // bit per known key
  std::optional<Error> error_;
};

// Entries are written into recycled map nodes (key and value keep their capacity), so
// events with the same metadata shape decode without allocating.
bool EventMapDecoder::metadata() {
  auto n = r_.read_map_header();
  if (!n) return fail_type("12 (metadata)", "a map");
  if (*n > limits_.max_container_items)
    return fail(Error::invalid("metadata has too many entries"));
  std::map<std::string, Value> spare;
  spare.swap(e_.metadata);
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto k = r_.read_str();
    if (!k || k->size() > limits_.max_string_bytes || !is_valid_utf8(*k)) {
      return fail_type("12 (metadata)", "a map with UTF-8 string keys");
    }
    auto v = skip(1);
    if (!v)
      return fail(Error::invalid("metadata value for '" + std::string(*k) + "' is malformed"));
    if (spare.empty()) {
      e_.metadata[std::string(*k)].assign_encoded(*v);
      continue;
    }
    auto node = spare.extract(spare.begin());
    node.key().assign(*k);
    node.mapped().assign_encoded(*v);
    auto placed = e_.metadata.insert(std::move(node));
    if (!placed.inserted) placed.position->second.assign_encoded(*v);  // repeated key: last wins
  }
  return true;
}

}  // namespace

Status decode_event_map(MsgpackReader& reader, const TopicParts& topic, const CodecLimits& limits,
                        Event& out) {
  return EventMapDecoder(reader, topic, limits, out).run();
}

}  // namespace vsm::detail
