#include "status_view.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "log_time.hpp"
#include "telemetry_json.hpp"

namespace vsmcat {
namespace {

using Json = nlohmann::json;

constexpr std::array<const char*, 6> kTree = {"S5", "S4", "S3", "S3*", "S2", "S1"};
constexpr std::array<const char*, 5> kChannels = {"command", "coordination", "audit", "algedonic",
                                                  "resource_bargain"};
constexpr std::size_t kMaxAlerts = 4;
constexpr std::size_t kMaxReports = 4;

std::string str(const Json& j, const char* key, const char* dflt = "") {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string(dflt);
}

double num(const Json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

const Json& at(const Json& j, const char* key) {
  static const Json kNull;
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() ? *it : kNull;
}

std::string fmt(const char* f, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string clip(std::string s, std::size_t width) {
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s;
}

std::string pad(std::string s, std::size_t w) {
  s.resize(std::max(s.size(), w), ' ');
  return s;
}

std::string hhmmss(std::uint64_t ms) { return format_iso8601_ms(ms).substr(11, 8); }

// The members of each tree level, this node included even without gossip.
std::vector<std::pair<std::string, std::vector<Json>>> tree(const StatusSnapshot& s) {
  std::vector<std::pair<std::string, std::vector<Json>>> out;
  for (const char* role : kTree) out.emplace_back(role, std::vector<Json>{});
  std::vector<Json> members;
  for (const auto& m : at(s.members, "members")) members.push_back(m);
  const std::string self = str(s.info, "name");
  if (std::none_of(members.begin(), members.end(),
                   [&](const Json& m) { return str(m, "name") == self; })) {
    members.push_back(Json{{"name", self}, {"role", str(s.info, "role")}, {"state", "alive"}});
  }
  for (const auto& m : members) {
    for (auto& [role, list] : out) {
      if (str(m, "role") == role) list.push_back(m);
    }
  }
  for (auto& [role, list] : out) {
    std::sort(list.begin(), list.end(),
              [](const Json& a, const Json& b) { return str(a, "name") < str(b, "name"); });
  }
  return out;
}

void header(const StatusSnapshot& s, std::vector<std::string>& out) {
  out.push_back("vsm status  " + str(s.info, "name") + " (" + str(s.info, "role") + ") @ " +
                str(s.info, "control") + "  " + format_iso8601_ms(s.at_ms).substr(0, 19) + "Z");
  std::string health = "health: " + str(s.stats, "health", "?");
  std::string reasons;
  for (const auto& r : at(s.stats, "health_reasons")) {
    if (r.is_string()) reasons += (reasons.empty() ? "" : "; ") + r.get<std::string>();
  }
  if (!reasons.empty()) health += " - " + reasons;
  out.push_back(health);
  std::string part = "partition: " + str(s.members, "partition", "healthy");
  if (!str(s.members, "reason").empty()) part += " (" + str(s.members, "reason") + ")";
  const Json& sides = at(s.members, "sides");
  if (sides.is_array() && sides.size() > 1) {
    part += ", " + std::to_string(sides.size()) + " sides:";
    out.push_back(part);
    out.push_back("  " + sides_text(sides));
  } else {
    out.push_back(part);
  }
}

void vsm_tree(const StatusSnapshot& s, std::vector<std::string>& out) {
  out.push_back("");
  out.push_back("VSM tree  member                       state      inc  repair");
  const std::string self = str(s.info, "name");
  for (const auto& [role, list] : tree(s)) {
    if (list.empty()) {
      out.push_back(pad(role, 10) + "-");
      continue;
    }
    bool first = true;
    for (const auto& m : list) {
      std::string name = str(m, "name") + (str(m, "name") == self ? " *" : "");
      std::string line = pad(first ? role : "", 10) + pad(clip(name, 28), 29) +
                         pad(str(m, "state"), 9) + fmt("%4.0f", num(m, "incarnation")) + "  " +
                         str(m, "breaker", "-");
      out.push_back(line);
      first = false;
    }
  }
}

std::string ms_cell(const Json& lat, const char* key) {
  if (num(lat, "count") == 0) return "-";
  return fmt("%.1f", num(lat, key) / 1000.0);
}

void channels(const StatusSnapshot& s, std::vector<std::string>& out) {
  out.push_back("");
  out.push_back("channel             pub/s   deliv/s   drop/s   p50 ms   p99 ms  pressure");
  for (const char* ch : kChannels) {
    const Json& rate = at(at(s.stats, "rates"), ch);
    const Json& lat = at(at(s.stats, "latency"), ch);
    const Json& counters = at(at(s.stats, "channels"), ch);
    char line[160];
    std::snprintf(line, sizeof line, "%-16s %8.1f  %8.1f  %7.1f  %7s  %7s  %8.2f", ch,
                  num(rate, "published_per_s"), num(rate, "delivered_per_s"),
                  num(rate, "dropped_per_s"), ms_cell(lat, "p50_us").c_str(),
                  ms_cell(lat, "p99_us").c_str(), num(counters, "variety_pressure"));
    out.push_back(line);
  }
}

void footer(const StatusSnapshot& s, std::vector<std::string>& out) {
  std::string breakers;
  for (const auto& [name, state] : at(s.stats, "repair_breakers").items()) {
    if (state != "closed")
      breakers += (breakers.empty() ? "" : ", ") + name + " " + state.get<std::string>();
  }
  out.push_back("");
  out.push_back("breakers: " + (breakers.empty() ? std::string("all closed") : breakers));
  const Json& alerts = at(s.recent, "alerts");
  out.push_back("alerts:" + std::string(alerts.empty() ? " none" : ""));
  if (alerts.is_array()) {
    const std::size_t n = std::min(alerts.size(), kMaxAlerts);
    for (std::size_t i = 0; i < n; ++i) {
      const Json& a = alerts[alerts.size() - 1 - i];  // newest first
      out.push_back("  " + hhmmss(static_cast<std::uint64_t>(num(a, "ms"))) + " " +
                    str(a, "severity") + " " + str(a, "signal") + " " + str(a, "source") + ": " +
                    str(a, "description"));
    }
  }
  const Json& reports = at(s.recent, "telemetry");
  out.push_back("telemetry:" + std::string(reports.empty() ? " none" : ""));
  if (reports.is_array()) {
    std::size_t shown = 0;
    for (auto it = reports.rbegin(); it != reports.rend() && shown < kMaxReports; ++it) {
      const auto e = telemetry_from_wire_json(*it);
      if (e.kind == vsm::TelemetryKind::kFlow) continue;
      out.push_back("  " + hhmmss(e.wall_ms) + " " + telemetry_summary(e));
      ++shown;
    }
  }
}

}  // namespace

std::vector<std::string> render_status(const StatusSnapshot& s, std::size_t width) {
  std::vector<std::string> out;
  header(s, out);
  vsm_tree(s, out);
  channels(s, out);
  footer(s, out);
  for (auto& line : out) line = clip(std::move(line), width);
  return out;
}

nlohmann::ordered_json status_json(const StatusSnapshot& s) {
  nlohmann::ordered_json j;
  j["node"] = str(s.info, "name");
  j["role"] = str(s.info, "role");
  j["version"] = str(s.info, "version");
  j["time"] = format_iso8601_ms(s.at_ms);
  j["health"] = str(s.stats, "health");
  j["health_reasons"] =
      at(s.stats, "health_reasons").is_array() ? at(s.stats, "health_reasons") : Json::array();
  j["partition"] = {
      {"state", str(s.members, "partition", "healthy")},
      {"reason", str(s.members, "reason")},
      {"quorum", at(s.members, "quorum").is_boolean() ? at(s.members, "quorum").get<bool>() : true},
      {"sides", at(s.members, "sides").is_array() ? at(s.members, "sides") : Json::array()}};
  j["tree"] = nlohmann::ordered_json::object();
  for (const auto& [role, list] : tree(s)) {
    auto& level = j["tree"][role] = nlohmann::ordered_json::array();
    for (const auto& m : list) {
      level.push_back({{"name", str(m, "name")},
                       {"state", str(m, "state")},
                       {"incarnation", num(m, "incarnation")},
                       {"breaker", str(m, "breaker", "closed")}});
    }
  }
  for (const char* ch : kChannels) {
    const Json& rate = at(at(s.stats, "rates"), ch);
    const Json& lat = at(at(s.stats, "latency"), ch);
    j["channels"][ch] = {{"published_per_s", num(rate, "published_per_s")},
                         {"delivered_per_s", num(rate, "delivered_per_s")},
                         {"dropped_per_s", num(rate, "dropped_per_s")},
                         {"p50_us", num(lat, "p50_us")},
                         {"p99_us", num(lat, "p99_us")},
                         {"pressure", num(at(at(s.stats, "channels"), ch), "variety_pressure")}};
  }
  j["breakers"] =
      at(s.stats, "repair_breakers").is_object() ? at(s.stats, "repair_breakers") : Json::object();
  j["alerts"] = at(s.recent, "alerts").is_array() ? at(s.recent, "alerts") : Json::array();
  j["telemetry"] = nlohmann::ordered_json::array();
  for (const auto& r : at(s.recent, "telemetry"))
    j["telemetry"].push_back(telemetry_to_json(telemetry_from_wire_json(r)));
  return j;
}

}  // namespace vsmcat
