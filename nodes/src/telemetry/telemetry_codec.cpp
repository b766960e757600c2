#include "telemetry/telemetry_codec.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "telemetry/telemetry_format.hpp"
#include "vsm/channel.hpp"
#include "vsm/frame_format.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace {

constexpr std::array<std::string_view, 15> kKindNames = {
    "member_joined",    "member_updated",      "member_suspect",        "member_alive",
    "member_dead",      "member_left",         "partition",             "flow",
    "quota_throttled",  "variety_pressure",    "algedonic_raised",      "algedonic_confirmed",
    "algedonic_unconfirmed", "breaker",        "log_error"};

}  // namespace

std::string_view telemetry_kind_name(TelemetryKind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i >= 1 && i <= kKindNames.size() ? kKindNames[i - 1] : "unknown";
}

std::optional<TelemetryKind> parse_telemetry_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<TelemetryKind>(i + 1);
  }
  return std::nullopt;
}

namespace detail {
namespace tf = telemetry_format;
namespace {

std::string_view clip(std::string_view s) { return s.substr(0, tf::kMaxStringBytes); }

void put_str(MsgpackWriter& w, std::uint32_t& fields, std::string_view key, std::string_view v) {
  if (v.empty()) return;
  w.str(key);
  w.str(clip(v));
  ++fields;
}

// The sides that fit the limits, as written.
std::vector<std::vector<std::string_view>> fitting_sides(const TelemetryEvent& e) {
  std::vector<std::vector<std::string_view>> out;
  std::size_t names = 0;
  for (const auto& side : e.sides) {
    if (out.size() == tf::kMaxSides) break;
    auto& o = out.emplace_back();
    for (const auto& m : side) {
      if (names == tf::kMaxSideMembers) break;
      o.push_back(clip(m));
      ++names;
    }
  }
  return out;
}

// Reads a string value of at most kMaxStringBytes into `out`.
bool read_str_into(MsgpackReader& r, std::string& out) {
  auto s = r.read_str();
  if (!s || s->size() > tf::kMaxStringBytes) return false;
  out.assign(*s);
  return true;
}

bool read_values(MsgpackReader& r, std::map<std::string, double>& out) {
  auto n = r.read_map_header();
  if (!n || *n > tf::kMaxValues) return false;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto k = r.read_str();
    auto v = r.read_double();
    if (!k || k->size() > tf::kMaxStringBytes || !v || !std::isfinite(*v)) return false;
    out[std::string(*k)] = *v;
  }
  return true;
}

bool read_sides(MsgpackReader& r, std::vector<std::vector<std::string>>& out) {
  auto n = r.read_array_header();
  if (!n || *n > tf::kMaxSides) return false;
  std::size_t names = 0;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto m = r.read_array_header();
    if (!m || names + *m > tf::kMaxSideMembers) return false;
    names += *m;
    auto& side = out.emplace_back();
    for (std::uint32_t j = 0; j < *m; ++j) {
      if (!read_str_into(r, side.emplace_back())) return false;
    }
  }
  return true;
}

// One key of the body; false when its value is malformed.
bool read_field(std::string_view key, MsgpackReader& r, TelemetryEvent& e, bool& have_version) {
  if (key == "v") {
    auto v = r.read_uint();
    have_version = v && *v >= 1 && *v <= tf::kVersion;
    return have_version;
  }
  if (key == "kind") {
    auto s = r.read_str();
    auto k = s ? parse_telemetry_kind(*s) : std::nullopt;
    if (!k) return false;
    e.kind = *k;
    return true;
  }
  if (key == "seq" || key == "ms") {
    auto v = r.read_uint();
    if (!v) return false;
    (key == "seq" ? e.seq : e.wall_ms) = *v;
    return true;
  }
  if (key == "node") return read_str_into(r, e.node);
  if (key == "sub") return read_str_into(r, e.subject);
  if (key == "st") return read_str_into(r, e.state);
  if (key == "prev") return read_str_into(r, e.previous);
  if (key == "why") return read_str_into(r, e.reason);
  if (key == "val") return read_values(r, e.values);
  if (key == "sides") return read_sides(r, e.sides);
  return r.skip_value(8, tf::kMaxBodyBytes, 4096).has_value();
}

}  // namespace

std::string telemetry_topic(std::string_view node, TelemetryKind kind) {
  std::string t(tf::kTopicPrefix);
  t.append(node).push_back('/');
  t.append(telemetry_kind_name(kind));
  return t;
}

void encode_telemetry(const TelemetryEvent& e, std::string& out) {
  std::string fields_buf;
  MsgpackWriter w(fields_buf);
  std::uint32_t fields = 5;
  w.str("v"); w.uint(tf::kVersion);
  w.str("node"); w.str(e.node);
  w.str("kind"); w.str(telemetry_kind_name(e.kind));
  w.str("seq"); w.uint(e.seq);
  w.str("ms"); w.uint(e.wall_ms);
  put_str(w, fields, "sub", e.subject);
  put_str(w, fields, "st", e.state);
  put_str(w, fields, "prev", e.previous);
  put_str(w, fields, "why", e.reason);
  if (!e.values.empty()) {
    w.str("val");
    const auto n = std::min(e.values.size(), tf::kMaxValues);
    w.map_header(static_cast<std::uint32_t>(n));
    std::size_t i = 0;
    for (auto it = e.values.begin(); i < n; ++it, ++i) {
      w.str(clip(it->first));
      w.float64(std::isfinite(it->second) ? it->second : 0.0);
    }
    ++fields;
  }
  if (!e.sides.empty()) {
    const auto sides = fitting_sides(e);
    w.str("sides");
    w.array_header(static_cast<std::uint32_t>(sides.size()));
    for (const auto& side : sides) {
      w.array_header(static_cast<std::uint32_t>(side.size()));
      for (auto m : side) w.str(m);
    }
    ++fields;
  }
  MsgpackWriter head(out);
  head.map_header(fields);
  out += fields_buf;
}

std::string encode_telemetry_frame(const TelemetryEvent& e) {
  std::string frame = telemetry_topic(e.node, e.kind);
  frame.push_back(frame_format::kSeparator);
  encode_telemetry(e, frame);
  return frame;
}

std::optional<TelemetryEvent> decode_telemetry(std::string_view body) {
  if (body.size() > tf::kMaxBodyBytes) return std::nullopt;
  MsgpackReader r(body);
  auto n = r.read_map_header();
  if (!n || *n > tf::kMaxKeys) return std::nullopt;
  TelemetryEvent e;
  e.kind = TelemetryKind{};  // 0: no kind read yet
  bool have_version = false;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key || !read_field(*key, r, e, have_version)) return std::nullopt;
  }
  if (!r.at_end() || !have_version || e.kind == TelemetryKind{} || !is_valid_name(e.node)) {
    return std::nullopt;
  }
  return e;
}

std::optional<TelemetryEvent> decode_telemetry_frame(std::string_view frame) {
  if (frame.substr(0, tf::kTopicPrefix.size()) != tf::kTopicPrefix) return std::nullopt;
  const auto sep = frame.find(frame_format::kSeparator);
  if (sep == std::string_view::npos) return std::nullopt;
  auto e = decode_telemetry(frame.substr(sep + 1));
  if (!e || frame.substr(0, sep) != telemetry_topic(e->node, e->kind)) return std::nullopt;
  return e;
}

}  // namespace detail
}  // namespace vsm
