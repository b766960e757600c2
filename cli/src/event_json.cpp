#include "event_json.hpp"

#include <array>
#include <limits>

#include "base64.hpp"
#include "vsm/channel.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"

namespace vsmcat {
namespace {

using nlohmann::json;

constexpr std::string_view kBinaryKey = "$binary";
constexpr std::string_view kExtKey = "$ext";
constexpr std::string_view kMsgpackKey = "$msgpack";

// Objects with these shapes are reserved for the special forms above.
bool is_reserved_shape(const json& j) {
  if (!j.is_object() || j.empty() || j.size() > 2) return false;
  for (const auto& [key, _] : j.items()) {
    if (key != kBinaryKey && key != kExtKey && key != kMsgpackKey) return false;
  }
  return true;
}

// Rewrites binary values into {"$binary": ...}; false when the tree holds a map whose
// shape would be read back as a special form.
bool convert_binaries(json& j) {
  if (j.is_binary()) {
    const auto& bin = j.get_binary();
    json out = json::object();
    out[std::string(kBinaryKey)] =
        base64_encode(std::string_view(reinterpret_cast<const char*>(bin.data()), bin.size()));
    if (bin.has_subtype()) {
      out[std::string(kExtKey)] = static_cast<int>(static_cast<std::int8_t>(bin.subtype()));
    }
    j = std::move(out);
    return true;
  }
  if (j.is_object()) {
    if (is_reserved_shape(j)) return false;
    for (auto& [_, v] : j.items()) {
      if (!convert_binaries(v)) return false;
    }
  } else if (j.is_array()) {
    for (auto& v : j) {
      if (!convert_binaries(v)) return false;
    }
  }
  return true;
}

json raw_msgpack_json(std::string_view encoded) {
  return json{{std::string(kMsgpackKey), base64_encode(encoded)}};
}

vsm::Error field_error(std::string_view field, std::string_view what) {
  return vsm::Error::invalid("field '" + std::string(field) + "': " + std::string(what));
}

// Turns the special forms back into nlohmann binaries, in place.
vsm::Status restore_binaries(json& j, const std::string& path) {
  if (j.is_object()) {
    if (j.contains(kBinaryKey) && is_reserved_shape(j)) {
      const json& b64 = j[std::string(kBinaryKey)];
      if (!b64.is_string()) return field_error(path, "\"$binary\" must be a base64 string");
      auto bytes = base64_decode(b64.get_ref<const std::string&>());
      if (!bytes) return field_error(path, "\"$binary\" is not valid padded base64");
      std::vector<std::uint8_t> data(bytes->begin(), bytes->end());
      if (!j.contains(kExtKey)) {
        j = json::binary(std::move(data));
        return {};
      }
      const json& ext = j[std::string(kExtKey)];
      if (!ext.is_number_integer() || ext.get<std::int64_t>() < -128 ||
          ext.get<std::int64_t>() > 127) {
        return field_error(path, "\"$ext\" must be an integer -128..127");
      }
      // nlohmann keeps the ext type as an unsigned subtype; to_msgpack casts it back.
      const auto subtype = static_cast<std::uint8_t>(static_cast<std::int8_t>(ext.get<int>()));
      j = json::binary(std::move(data), subtype);
      return {};
    }
    if (is_reserved_shape(j)) {
      return field_error(path, "\"$msgpack\" is only allowed as a whole payload or metadata value");
    }
    for (auto& [key, v] : j.items()) {
      if (auto st = restore_binaries(v, path + "." + key); !st) return st;
    }
  } else if (j.is_array()) {
    std::size_t i = 0;
    for (auto& v : j) {
      if (auto st = restore_binaries(v, path + "[" + std::to_string(i++) + "]"); !st) return st;
    }
  }
  return {};
}

vsm::Result<std::string> get_string(const json& j, std::string_view field) {
  if (!j.is_string())
    return field_error(field, "must be a string, got " + std::string(j.type_name()));
  return j.get<std::string>();
}

vsm::Result<std::string> get_name(const json& j, std::string_view field) {
  auto s = get_string(j, field);
  if (!s) return s;
  if (!vsm::is_valid_name(*s)) {
    return field_error(field,
                       "'" + *s + "' must be 1..255 bytes without '/' or control characters");
  }
  return s;
}

vsm::Result<std::uint64_t> get_uint(const json& j, std::string_view field, std::uint64_t max) {
  if (j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0)) {
    auto v = j.get<std::uint64_t>();
    if (v <= max) return v;
  }
  return field_error(field, "must be an integer 0.." + std::to_string(max) + ", got " + j.dump());
}

std::string known_channels() {
  std::string out;
  for (vsm::Channel c : vsm::kAllChannels) {
    if (!out.empty()) out += ", ";
    out += vsm::channel_name(c);
  }
  return out;
}

vsm::Result<std::uint8_t> parse_priority_json(const json& j) {
  if (j.is_string()) {
    static constexpr std::array<std::string_view, 4> kNames = {"low", "normal", "high", "critical"};
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (j.get_ref<const std::string&>() == kNames[i]) return static_cast<std::uint8_t>(i);
    }
    return field_error("priority", "must be 0..3 or low|normal|high|critical, got " + j.dump());
  }
  auto v = get_uint(j, "priority", vsm::frame_format::kMaxPriority);
  if (!v) return std::move(v).error();
  return static_cast<std::uint8_t>(*v);
}

vsm::Status read_ts(const json& j, vsm::HlcTimestamp& ts) {
  if (!j.is_object()) return field_error("ts", "must be an object {wall_ms, logical, node}");
  for (const auto& [key, v] : j.items()) {
    if (key == "wall_ms") {
      auto r = get_uint(v, "ts.wall_ms", std::numeric_limits<std::uint64_t>::max());
      if (!r) return std::move(r).error();
      ts.wall_ms = *r;
    } else if (key == "logical") {
      auto r = get_uint(v, "ts.logical", std::numeric_limits<std::uint32_t>::max());
      if (!r) return std::move(r).error();
      ts.logical = static_cast<std::uint32_t>(*r);
    } else if (key == "node") {
      auto r = get_string(v, "ts.node");
      if (!r) return std::move(r).error();
      ts.node = std::move(r).value();
    } else {
      return field_error("ts." + key, "unknown (expected wall_ms, logical, node)");
    }
  }
  return {};
}

vsm::Status read_metadata(const json& j, std::map<std::string, vsm::Value>& md) {
  if (!j.is_object()) return field_error("metadata", "must be an object of string -> any");
  for (const auto& [key, v] : j.items()) {
    auto value = value_from_json(v, "metadata." + key);
    if (!value) return std::move(value).error();
    md.emplace(key, std::move(value).value());
  }
  return {};
}

// Optional string ids: null or "" mean absent.
vsm::Status read_optional_id(const json& j, std::string_view field, std::string& out) {
  if (j.is_null()) return {};
  auto s = get_string(j, field);
  if (!s) return std::move(s).error();
  if (s->size() > vsm::kMaxNameBytes) return field_error(field, "must be at most 255 bytes");
  out = std::move(s).value();
  return {};
}

// "evt_<uuid>" or a bare uuid; null or absent: publish() assigns one.
vsm::Status read_event_id(const json& j, vsm::EventId& out) {
  if (j.is_null()) return {};
  auto s = get_string(j, "id");
  if (!s) return std::move(s).error();
  auto id = vsm::EventId::parse(*s);
  if (!id) return field_error("id", id.error().message() + " (ids are evt_<uuid>)");
  out = *id;
  return {};
}

vsm::Status read_field(const std::string& key, const json& v, vsm::Event& e) {
  if (key == "id") return read_event_id(v, e.id);
  if (key == "correlation_id") return read_optional_id(v, "correlation_id", e.correlation_id);
  if (key == "causation_id") return read_optional_id(v, "causation_id", e.causation_id);
  if (key == "source" || key == "type" || key == "target") {
    auto s = get_name(v, key);
    if (!s) return std::move(s).error();
    (key == "source" ? e.source : key == "type" ? e.type : e.target) = std::move(s).value();
    return {};
  }
  if (key == "channel") {
    auto s = get_string(v, "channel");
    if (!s) return std::move(s).error();
    auto c = vsm::parse_channel(*s);
    if (!c)
      return field_error("channel",
                         "unknown channel '" + *s + "' (one of " + known_channels() + ")");
    e.channel = *c;
    return {};
  }
  if (key == "payload") {
    auto p = value_from_json(v, "payload");
    if (!p) return std::move(p).error();
    e.payload = std::move(p).value();
    return {};
  }
  if (key == "priority") {
    auto p = parse_priority_json(v);
    if (!p) return std::move(p).error();
    e.priority = *p;
    return {};
  }
  if (key == "seq") {
    auto s = get_uint(v, "seq", std::numeric_limits<std::uint64_t>::max());
    if (!s) return std::move(s).error();
    e.seq = *s;
    return {};
  }
  if (key == "ts") return read_ts(v, e.ts);
  if (key == "metadata") return read_metadata(v, e.metadata);
  // Signed events (PROTOCOL.md §1.14) keep their signature through `sub | pub`.
  if (key == "signature") {
    auto s = get_string(v, "signature");
    auto bytes = s ? base64_decode(*s) : std::nullopt;
    if (!bytes || bytes->size() != 64) {
      return field_error("signature", "must be the base64 of 64 bytes (Ed25519)");
    }
    e.signature = std::move(*bytes);
    return {};
  }
  if (key == "signer") {
    auto s = get_name(v, "signer");
    if (!s) return std::move(s).error();
    e.signer = std::move(s).value();
    return {};
  }
  return vsm::Error::invalid("unknown field '" + key +
                             "' (expected id, source, target, channel, type, payload, ts, "
                             "priority, correlation_id, causation_id, seq, metadata, "
                             "signature, signer)");
}

}  // namespace

json value_to_json(const vsm::Value& value) {
  const std::string_view enc = value.encoded();
  json j = json::from_msgpack(enc.begin(), enc.end(), /*strict=*/true, /*allow_exceptions=*/false);
  if (j.is_discarded() || !convert_binaries(j)) return raw_msgpack_json(enc);
  return j;
}

vsm::Result<vsm::Value> value_from_json(const json& in, std::string_view field) {
  const std::string path(field);
  if (in.is_object() && in.size() == 1 && in.contains(kMsgpackKey)) {
    const json& b64 = in[std::string(kMsgpackKey)];
    auto bytes = b64.is_string() ? base64_decode(b64.get_ref<const std::string&>()) : std::nullopt;
    if (!bytes) return field_error(path, "\"$msgpack\" must be a padded base64 string");
    if (auto st = vsm::validate_msgpack(*bytes); !st) {
      return field_error(path,
                         "\"$msgpack\" does not hold one msgpack value: " + st.error().message());
    }
    return vsm::Value::from_encoded(std::move(*bytes));
  }
  json j = in;
  if (auto st = restore_binaries(j, path); !st) return st.error();
  std::vector<std::uint8_t> bytes = json::to_msgpack(j);
  return vsm::Value::from_encoded(std::string(bytes.begin(), bytes.end()));
}

json event_to_json(const vsm::Event& e) {
  json j = json::object();
  j["id"] = e.id.to_string();
  j["source"] = e.source;
  j["target"] = e.target.empty() ? std::string(vsm::kBroadcastTarget) : e.target;
  j["channel"] = std::string(vsm::channel_name(e.channel));
  j["type"] = e.type;
  j["payload"] = value_to_json(e.payload);
  j["ts"] = {{"wall_ms", e.ts.wall_ms}, {"logical", e.ts.logical}, {"node", e.ts.node}};
  j["priority"] = e.priority;
  j["correlation_id"] = e.correlation_id.empty() ? json(nullptr) : json(e.correlation_id);
  j["causation_id"] = e.causation_id.empty() ? json(nullptr) : json(e.causation_id);
  j["seq"] = e.seq;
  json md = json::object();
  for (const auto& [key, v] : e.metadata) md[key] = value_to_json(v);
  j["metadata"] = std::move(md);
  if (!e.signature.empty()) {
    j["signature"] = base64_encode(e.signature);
    j["signer"] = std::string(vsm::effective_signer(e));
  }
  return j;
}

vsm::Result<vsm::Event> event_from_json(const json& j, const EventDefaults& defaults) {
  if (!j.is_object()) {
    return vsm::Error::invalid("an event must be a JSON object, got " + std::string(j.type_name()));
  }
  vsm::Event e;
  e.source = defaults.source;
  e.type = defaults.type;
  if (!defaults.target.empty()) e.target = defaults.target;
  if (defaults.priority) e.priority = *defaults.priority;
  bool has_channel = defaults.channel.has_value();
  if (defaults.channel) e.channel = *defaults.channel;
  for (const auto& [key, v] : j.items()) {
    if (auto st = read_field(key, v, e); !st) return st.error();
    if (key == "channel") has_channel = true;
  }
  if (!has_channel) {
    return vsm::Error::invalid(
        "no channel: give \"channel\" in the event or -t/--channel (one of " + known_channels() +
        ")");
  }
  if (e.type.empty()) {
    return vsm::Error::invalid("no type: give \"type\" in the event or --type");
  }
  return e;
}

std::string dump_json_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vsmcat
