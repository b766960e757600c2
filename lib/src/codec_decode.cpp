#include <bitset>

#include "vsm/codec.hpp"
#include "vsm/envelope_format.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {
namespace fmt = envelope_format;
namespace {

enum Field { kV, kId, kSrc, kCh, kTyp, kTs, kSeq, kFieldCount };

class EnvelopeDecoder {
 public:
  EnvelopeDecoder(std::string_view bytes, const CodecLimits& limits) : r_(bytes), limits_(limits) {}

  Result<Event> run() {
    auto n = r_.read_map_header();
    if (!n) return Error::invalid("envelope is not a msgpack map");
    if (*n > 64) return Error::invalid("envelope map has " + std::to_string(*n) + " keys (max 64)");
    for (std::uint32_t i = 0; i < *n; ++i) {
      auto key = r_.read_str();
      if (!key) return Error::invalid("envelope key " + std::to_string(i) + " is not a string");
      if (auto st = field(*key); !st) return st.error();
    }
    if (!r_.at_end()) {
      return Error::invalid(std::to_string(r_.remaining()) + " trailing bytes after envelope");
    }
    static constexpr const char* kNames[] = {"v", "id", "src", "ch", "typ", "ts", "seq"};
    for (int f = 0; f < kFieldCount; ++f) {
      if (!seen_[f]) return Error::invalid(std::string("envelope lacks required key '") + kNames[f] + "'");
    }
    if (auto st = validate_event(e_); !st) return st.error();
    return std::move(e_);
  }

 private:
  Status field(std::string_view key) {
    if (key == fmt::kKeyVersion) return version();
    if (key == fmt::kKeyId) return str(kId, e_.id, key);
    if (key == fmt::kKeySource) return str(kSrc, e_.source, key);
    if (key == fmt::kKeyTarget) return target();
    if (key == fmt::kKeyType) return str(kTyp, e_.type, key);
    if (key == fmt::kKeyCorrelation) return str(-1, e_.correlation_id, key);
    if (key == fmt::kKeyCausation) return str(-1, e_.causation_id, key);
    if (key == fmt::kKeyChannel) return channel();
    if (key == fmt::kKeyPayload) return payload();
    if (key == fmt::kKeyTimestamp) return timestamp();
    if (key == fmt::kKeySeq) return seq();
    if (key == fmt::kKeyPriority) return priority();
    if (key == fmt::kKeyMetadata) return metadata();
    // Unknown key: skip its value (forward compatibility).
    if (!skip()) return Error::invalid("malformed value for unknown key '" + std::string(key) + "'");
    return {};
  }

  std::optional<std::string_view> skip(std::size_t depth_used = 0) {
    // Saturate: with max_depth 0 an unsigned wrap would lift the depth limit entirely.
    const std::size_t depth = depth_used > limits_.max_depth ? 0 : limits_.max_depth - depth_used;
    return r_.skip_value(depth, limits_.max_string_bytes,
                         limits_.max_container_items);
  }

  Status version() {
    auto v = r_.read_uint();
    if (!v) return Error::invalid("'v' must be an unsigned integer");
    if (*v > fmt::kEnvelopeVersion) {
      return Error::unsupported("envelope version " + std::to_string(*v) + " is newer than " +
                                std::to_string(fmt::kEnvelopeVersion) + "; upgrade vsmfabric");
    }
    seen_.set(kV);
    return {};
  }

  Status str(int f, std::string& out, std::string_view key) {
    auto s = r_.read_str();
    if (!s) return Error::invalid("'" + std::string(key) + "' must be a string");
    if (s->size() > kMaxNameBytes) return Error::invalid("'" + std::string(key) + "' exceeds 255 bytes");
    out.assign(*s);
    if (f >= 0) seen_.set(static_cast<std::size_t>(f));
    return {};
  }

  // An empty target means broadcast, as on the encoder side (keeps decode/encode inverse).
  Status target() {
    if (auto st = str(-1, e_.target, fmt::kKeyTarget); !st) return st;
    if (e_.target.empty()) e_.target = kBroadcastTarget;
    return {};
  }

  Status channel() {
    auto s = r_.read_str();
    if (!s) return Error::invalid("'ch' must be a string");
    auto c = parse_channel(*s);
    if (!c) return Error::invalid("unknown channel '" + std::string(*s) + "'");
    e_.channel = *c;
    seen_.set(kCh);
    return {};
  }

  Status payload() {
    auto v = skip();
    if (!v) return Error::invalid("'pl' is not well-formed msgpack within the limits (depth, sizes)");
    e_.payload = Value::from_encoded(std::string(*v));
    return {};
  }

  Status timestamp() {
    auto n = r_.read_array_header();
    if (!n || *n != 3) return Error::invalid("'ts' must be [wall_ms, logical, node]");
    auto wall = r_.read_uint();
    auto logical = r_.read_uint();
    auto node = r_.read_str();
    if (!wall || !logical || !node || *logical > UINT32_MAX || node->size() > kMaxNameBytes) {
      return Error::invalid("'ts' must be [uint wall_ms, uint32 logical, str node]");
    }
    e_.ts = HlcTimestamp{*wall, static_cast<std::uint32_t>(*logical), std::string(*node)};
    seen_.set(kTs);
    return {};
  }

  Status seq() {
    auto v = r_.read_uint();
    if (!v) return Error::invalid("'seq' must be an unsigned integer");
    e_.seq = *v;
    seen_.set(kSeq);
    return {};
  }

  Status priority() {
    auto v = r_.read_uint();
    if (!v || *v > fmt::kMaxPriority) return Error::invalid("'pri' must be an integer 0..3");
    e_.priority = static_cast<std::uint8_t>(*v);
    return {};
  }

  Status metadata() {
    auto n = r_.read_map_header();
    if (!n) return Error::invalid("'md' must be a map");
    if (*n > limits_.max_container_items) return Error::invalid("'md' has too many entries");
    for (std::uint32_t i = 0; i < *n; ++i) {
      auto k = r_.read_str();
      if (!k) return Error::invalid("'md' keys must be strings");
      auto v = skip(1);
      if (!v) return Error::invalid("'md' value for '" + std::string(*k) + "' is malformed");
      e_.metadata[std::string(*k)] = Value::from_encoded(std::string(*v));
    }
    return {};
  }

  MsgpackReader r_;
  const CodecLimits& limits_;
  Event e_;
  std::bitset<kFieldCount> seen_;
};

}  // namespace

Result<Event> decode_event(std::string_view bytes, const CodecLimits& limits) {
  if (bytes.size() > limits.max_event_bytes) {
    return Error::too_large("event of " + std::to_string(bytes.size()) + " bytes exceeds limit " +
                            std::to_string(limits.max_event_bytes));
  }
  if (bytes.empty()) return Error::invalid("empty envelope");
  return EnvelopeDecoder(bytes, limits).run();
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
