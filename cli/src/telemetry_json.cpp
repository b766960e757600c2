#include "telemetry_json.hpp"

#include "log_time.hpp"

namespace vsmcat {

std::string sides_text(const std::vector<std::vector<std::string>>& sides) {
  std::string out;
  for (const auto& side : sides) {
    std::string names;
    for (const auto& n : side) names += (names.empty() ? "" : " ") + n;
    out += (out.empty() ? "[" : " | [") + names + "]";
  }
  return out;
}

std::string sides_text(const nlohmann::json& sides) {
  std::vector<std::vector<std::string>> v;
  if (!sides.is_array()) return {};
  for (const auto& side : sides) {
    auto& out = v.emplace_back();
    if (!side.is_array()) continue;
    for (const auto& n : side) {
      if (n.is_string()) out.push_back(n.get<std::string>());
    }
  }
  return sides_text(v);
}

nlohmann::ordered_json telemetry_to_json(const vsm::TelemetryEvent& e) {
  nlohmann::ordered_json j;
  j["node"] = e.node;
  j["kind"] = std::string(vsm::telemetry_kind_name(e.kind));
  j["seq"] = e.seq;
  j["time"] = format_iso8601_ms(e.wall_ms);
  j["wall_ms"] = e.wall_ms;
  j["subject"] = e.subject;
  j["state"] = e.state;
  j["previous"] = e.previous;
  j["reason"] = e.reason;
  j["values"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : e.values) j["values"][k] = v;
  j["sides"] = e.sides;
  return j;
}

vsm::TelemetryEvent telemetry_from_wire_json(const nlohmann::json& b) {
  vsm::TelemetryEvent e;
  if (!b.is_object()) return e;
  auto str = [&b](const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto uint = [&b](const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  };
  e.node = str("node");
  const std::string kind = str("kind");
  if (auto k = vsm::parse_telemetry_kind(kind)) {
    e.kind = *k;
  } else {
    e.reason = kind;
  }
  e.seq = uint("seq");
  e.wall_ms = uint("ms");
  e.subject = str("sub");
  e.state = str("st");
  e.previous = str("prev");
  if (e.reason.empty()) e.reason = str("why");
  if (auto it = b.find("val"); it != b.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_number()) e.values[k] = v.get<double>();
    }
  }
  if (auto it = b.find("sides"); it != b.end() && it->is_array()) {
    for (const auto& side : *it) {
      auto& out = e.sides.emplace_back();
      if (!side.is_array()) continue;
      for (const auto& m : side) {
        if (m.is_string()) out.push_back(m.get<std::string>());
      }
    }
  }
  return e;
}

std::string telemetry_summary(const vsm::TelemetryEvent& e) {
  std::string s(vsm::telemetry_kind_name(e.kind));
  if (e.kind == vsm::TelemetryKind::kPartition && e.state == e.previous) {
    // The state stayed; the sides changed (a member joined, left or was cut off).
    return s + " " + e.state + ", " + std::to_string(e.sides.size()) +
           " side(s): " + sides_text(e.sides);
  }
  if (!e.subject.empty()) s += " " + e.subject;
  if (!e.previous.empty() && !e.state.empty()) {
    s += " " + e.previous + " -> " + e.state;
  } else if (!e.state.empty()) {
    s += " (" + e.state + ")";
  }
  if (!e.reason.empty()) s += ": " + e.reason;
  return s;
}

}  // namespace vsmcat
