#include <array>
#include <optional>

#include "vsm/codec.hpp"
#include "vsm/envelope_format.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {
namespace fmt = envelope_format;
namespace {

enum Field { kV, kId, kSrc, kCh, kTyp, kTs, kSeq, kFieldCount };

static_assert(fmt::kKeyVersion.size() <= 3 && fmt::kKeyId.size() <= 3 &&
                  fmt::kKeySource.size() <= 3 && fmt::kKeyTarget.size() <= 3 &&
                  fmt::kKeyChannel.size() <= 3 && fmt::kKeyType.size() <= 3 &&
                  fmt::kKeyPayload.size() <= 3 && fmt::kKeyTimestamp.size() <= 3 &&
                  fmt::kKeyPriority.size() <= 3 && fmt::kKeyCorrelation.size() <= 3 &&
                  fmt::kKeyCausation.size() <= 3 && fmt::kKeySeq.size() <= 3 &&
                  fmt::kKeyMetadata.size() <= 3,
              "EnvelopeDecoder::key_code() dispatches on keys of at most 3 bytes");

// The channel names differ in length: one length switch, then one compare.
std::optional<Channel> channel_from_name(std::string_view s) noexcept {
  static const auto kByLength = [] {
    std::array<int, 17> t{};
    t.fill(-1);
    for (Channel c : kAllChannels) {
      // Names longer than the table would only make the lookup slower, never wrong.
      if (const auto n = channel_name(c).size(); n < t.size()) t[n] = static_cast<int>(c);
    }
    return t;
  }();
  if (s.size() < kByLength.size() && kByLength[s.size()] >= 0) {
    const auto c = static_cast<Channel>(kByLength[s.size()]);
    if (channel_name(c) == s) return c;
    return std::nullopt;
  }
  return parse_channel(s);
}

// Fills `e` in place (decode_event() hands it the Event inside its Result, so a decoded
// event is never moved). Field handlers return false after recording the error: the
// Error (and its message) is only built on failure.
class EnvelopeDecoder {
 public:
  EnvelopeDecoder(std::string_view bytes, const CodecLimits& limits, Event& e)
      : r_(bytes), limits_(limits), e_(e) {}

  Status run() {
    auto n = r_.read_map_header();
    if (!n) return Error::invalid("envelope is not a msgpack map");
    if (*n > 64) return Error::invalid("envelope map has " + std::to_string(*n) + " keys (max 64)");
    for (std::uint32_t i = 0; i < *n; ++i) {
      auto key = r_.read_str();
      if (!key) return Error::invalid("envelope key " + std::to_string(i) + " is not a string");
      if (!field(*key)) return std::move(*error_);
    }
    if (!r_.at_end()) {
      return Error::invalid(std::to_string(r_.remaining()) + " trailing bytes after envelope");
    }
    static constexpr const char* kNames[] = {"v", "id", "src", "ch", "typ", "ts", "seq"};
    for (int f = 0; f < kFieldCount; ++f) {
      if ((seen_ & (1u << f)) == 0) {
        return Error::invalid(std::string("envelope lacks required key '") + kNames[f] + "'");
      }
    }
    return validate_event(e_);
  }

 private:
  // Keys are at most 3 bytes: one switch on (length, bytes) instead of a chain of
  // string compares per field.
  static constexpr std::uint32_t key_code(std::string_view k) noexcept {
    if (k.empty() || k.size() > 3) return 0;
    std::uint32_t c = static_cast<std::uint32_t>(k.size()) << 24;
    for (std::size_t i = 0; i < k.size(); ++i) {
      c |= static_cast<std::uint32_t>(static_cast<unsigned char>(k[i])) << (16 - 8 * i);
    }
    return c;
  }

  bool field(std::string_view key) {
    switch (key_code(key)) {
      case key_code(fmt::kKeyVersion): return version();
      case key_code(fmt::kKeyId): return str(kId, e_.id, key);
      case key_code(fmt::kKeySource): return str(kSrc, e_.source, key);
      case key_code(fmt::kKeyTarget): return target();
      case key_code(fmt::kKeyType): return str(kTyp, e_.type, key);
      case key_code(fmt::kKeyCorrelation): return str(-1, e_.correlation_id, key);
      case key_code(fmt::kKeyCausation): return str(-1, e_.causation_id, key);
      case key_code(fmt::kKeyChannel): return channel();
      case key_code(fmt::kKeyPayload): return payload();
      case key_code(fmt::kKeyTimestamp): return timestamp();
      case key_code(fmt::kKeySeq): return seq();
      case key_code(fmt::kKeyPriority): return priority();
      case key_code(fmt::kKeyMetadata): return metadata();
      default: break;
    }
    // Unknown key: skip its value (forward compatibility).
    if (!skip()) {
      return fail(Error::invalid("malformed value for unknown key '" + std::string(key) + "'"));
    }
    return true;
  }

  bool fail(Error e) {
    error_.emplace(std::move(e));
    return false;
  }
  void saw(int f) noexcept { seen_ |= 1u << f; }

  std::optional<std::string_view> skip(std::size_t depth_used = 0) {
    // Saturate: with max_depth 0 an unsigned wrap would lift the depth limit entirely.
    const std::size_t depth = depth_used > limits_.max_depth ? 0 : limits_.max_depth - depth_used;
    return r_.skip_value(depth, limits_.max_string_bytes, limits_.max_container_items);
  }

  bool version() {
    auto v = r_.read_uint();
    if (!v) return fail(Error::invalid("'v' must be an unsigned integer"));
    if (*v > fmt::kEnvelopeVersion) {
      return fail(Error::unsupported("envelope version " + std::to_string(*v) +
                                     " is newer than " + std::to_string(fmt::kEnvelopeVersion) +
                                     "; upgrade vsmfabric"));
    }
    saw(kV);
    return true;
  }

  bool str(int f, std::string& out, std::string_view key) {
    auto s = r_.read_str();
    if (!s) return fail(Error::invalid("'" + std::string(key) + "' must be a string"));
    if (s->size() > kMaxNameBytes) {
      return fail(Error::invalid("'" + std::string(key) + "' exceeds 255 bytes"));
    }
    out.assign(*s);
    if (f >= 0) saw(f);
    return true;
  }

  // An empty target means broadcast, as on the encoder side (keeps decode/encode inverse).
  bool target() {
    if (!str(-1, e_.target, fmt::kKeyTarget)) return false;
    if (e_.target.empty()) e_.target = kBroadcastTarget;
    return true;
  }

  bool channel() {
    auto s = r_.read_str();
    if (!s) return fail(Error::invalid("'ch' must be a string"));
    auto c = channel_from_name(*s);
    if (!c) return fail(Error::invalid("unknown channel '" + std::string(*s) + "'"));
    e_.channel = *c;
    saw(kCh);
    return true;
  }

  bool payload() {
    auto v = skip();
    if (!v) {
      return fail(
          Error::invalid("'pl' is not well-formed msgpack within the limits (depth, sizes)"));
    }
    e_.payload.assign_encoded(*v);
    return true;
  }

  bool timestamp() {
    auto n = r_.read_array_header();
    if (!n || *n != 3) return fail(Error::invalid("'ts' must be [wall_ms, logical, node]"));
    auto wall = r_.read_uint();
    auto logical = r_.read_uint();
    auto node = r_.read_str();
    if (!wall || !logical || !node || *logical > UINT32_MAX || node->size() > kMaxNameBytes) {
      return fail(Error::invalid("'ts' must be [uint wall_ms, uint32 logical, str node]"));
    }
    e_.ts.wall_ms = *wall;
    e_.ts.logical = static_cast<std::uint32_t>(*logical);
    e_.ts.node.assign(*node);
    saw(kTs);
    return true;
  }

  bool seq() {
    auto v = r_.read_uint();
    if (!v) return fail(Error::invalid("'seq' must be an unsigned integer"));
    e_.seq = *v;
    saw(kSeq);
    return true;
  }

  bool priority() {
    auto v = r_.read_uint();
    if (!v || *v > fmt::kMaxPriority) return fail(Error::invalid("'pri' must be an integer 0..3"));
    e_.priority = static_cast<std::uint8_t>(*v);
    return true;
  }

  bool metadata() {
    auto n = r_.read_map_header();
    if (!n) return fail(Error::invalid("'md' must be a map"));
    if (*n > limits_.max_container_items) return fail(Error::invalid("'md' has too many entries"));
    for (std::uint32_t i = 0; i < *n; ++i) {
      auto k = r_.read_str();
      if (!k) return fail(Error::invalid("'md' keys must be strings"));
      auto v = skip(1);
      if (!v) {
        return fail(Error::invalid("'md' value for '" + std::string(*k) + "' is malformed"));
      }
      e_.metadata[std::string(*k)] = Value::from_encoded(std::string(*v));
    }
    return true;
  }

  MsgpackReader r_;
  const CodecLimits& limits_;
  Event& e_;
  std::uint32_t seen_ = 0;  // bit per Field
  std::optional<Error> error_;
};

}  // namespace

Status decode_event_into(std::string_view bytes, Event& out, const CodecLimits& limits) {
  if (bytes.size() > limits.max_event_bytes) {
    return Error::too_large("event of " + std::to_string(bytes.size()) + " bytes exceeds limit " +
                            std::to_string(limits.max_event_bytes));
  }
  if (bytes.empty()) return Error::invalid("empty envelope");
  // The optional fields take their defaults unless the envelope has them; the required
  // ones are all overwritten (run() fails when one is missing).
  out.target.assign(kBroadcastTarget);
  out.payload.clear();
  out.priority = kPriorityNormal;
  out.correlation_id.clear();
  out.causation_id.clear();
  out.metadata.clear();
  return EnvelopeDecoder(bytes, limits, out).run();
}

Result<Event> decode_event(std::string_view bytes, const CodecLimits& limits) {
  // One return object on every path (NRVO): the event is decoded where it is returned.
  Result<Event> out{Event{}};
  if (auto st = decode_event_into(bytes, *out, limits); !st) out = st.error();
  return out;
}

Status validate_msgpack(std::string_view bytes, const CodecLimits& limits) {
  if (bytes.size() > limits.max_event_bytes) return Error::too_large("value exceeds max_event_bytes");
  MsgpackReader r(bytes);
  if (!r.skip_value(limits.max_depth, limits.max_string_bytes, limits.max_container_items)) {
    return Error::invalid("not well-formed msgpack (or beyond depth/size limits)");
  }
  if (!r.at_end()) return Error::invalid("trailing bytes after msgpack value");
  return {};
}

}  // namespace vsm
