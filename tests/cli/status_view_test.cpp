// render_status / status_json (cli/src/status_view.hpp): the VSM tree in role order with
// this node marked, partition sides, rates and latency per channel, alerts newest first,
// and no line wider than the terminal.
#include "status_view.hpp"

#include <catch2/catch.hpp>

namespace vsmcat {
namespace {

using Json = nlohmann::json;

StatusSnapshot sample() {
  StatusSnapshot s;
  s.at_ms = 1'795'443'909'123;
  s.info = {{"name", "s5.policy"},
            {"role", "S5"},
            {"control", "tcp://127.0.0.1:40123"},
            {"version", "0.1.0"}};
  s.members = {
      {"members",
       Json::array({{{"name", "s5.policy"}, {"role", "S5"}, {"state", "alive"}, {"incarnation", 1}},
                    {{"name", "s3.control"},
                     {"role", "S3"},
                     {"state", "dead"},
                     {"incarnation", 2},
                     {"breaker", "open"}},
                    {{"name", "s1.ops-with-a-very-long-name-that-does-not-fit"},
                     {"role", "S1"},
                     {"state", "alive"},
                     {"incarnation", 1}},
                    {{"name", "s1.a"}, {"role", "S1"}, {"state", "suspect"}, {"incarnation", 4}}})},
      {"partition", "degraded"},
      {"reason", "no S3 in partition"},
      {"quorum", true},
      {"sides", Json::array({Json::array({"s1.a", "s5.policy"}), Json::array({"s3.control"})})}};
  s.stats = {
      {"health", "degraded"},
      {"health_reasons", Json::array({"partition degraded: no S3 in partition"})},
      {"channels", {{"audit", {{"variety_pressure", 0.25}}}}},
      {"rates",
       {{"audit", {{"published_per_s", 12.5}, {"delivered_per_s", 3}, {"dropped_per_s", 0}}}}},
      {"latency",
       {{"audit", {{"count", 10}, {"p50_us", 1500}, {"p99_us", 4200}}},
        {"command", {{"count", 0}, {"p50_us", 0}, {"p99_us", 0}}}}},
      {"repair_breakers", {{"s3.control", "open"}}}};
  s.recent = {{"alerts", Json::array({{{"ms", 1'795'443'900'000},
                                       {"severity", "high"},
                                       {"signal", "pain"},
                                       {"source", "s5.policy"},
                                       {"description", "old"}},
                                      {{"ms", 1'795'443'905'000},
                                       {"severity", "critical"},
                                       {"signal", "pain"},
                                       {"source", "s1.a"},
                                       {"description", "new"}}})},
              {"telemetry", Json::array({{{"node", "s5.policy"},
                                          {"kind", "member_dead"},
                                          {"ms", 1'795'443'908'000},
                                          {"sub", "s3.control"},
                                          {"st", "dead"}}})}};
  return s;
}

bool has_line(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::size_t index_of(const std::vector<std::string>& lines, const std::string& prefix) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) return i;
  }
  return lines.size();
}

}  // namespace

TEST_CASE("the status view fits 80 columns and shows the fabric", "[cli][status]") {
  const auto lines = render_status(sample());
  for (const auto& l : lines) CHECK(l.size() <= 80);
  CHECK(lines[0].find("s5.policy (S5) @ tcp://127.0.0.1:40123") != std::string::npos);
  CHECK(lines[1] == "health: degraded - partition degraded: no S3 in partition");
  CHECK(has_line(lines, "partition: degraded (no S3 in partition), 2 sides:"));
  CHECK(has_line(lines, "[s1.a s5.policy] | [s3.control]"));
  // The tree in role order, this node marked, S4 empty.
  const auto s5 = index_of(lines, "S5 ");
  const auto s4 = index_of(lines, "S4 ");
  const auto s3 = index_of(lines, "S3 ");
  const auto s1 = index_of(lines, "S1 ");
  REQUIRE(s1 < lines.size());
  CHECK(s5 < s4);
  CHECK(s4 < s3);
  CHECK(s3 < s1);
  CHECK(lines[s5].find("s5.policy *") != std::string::npos);
  CHECK(lines[s4].find("-") != std::string::npos);
  CHECK(lines[s3].find("dead") != std::string::npos);
  CHECK(lines[s3].find("open") != std::string::npos);
  CHECK(lines[s1].find("s1.a") != std::string::npos);  // sorted by name
  CHECK(lines[s1 + 1].find("s1.ops-with-a-very-long-nam~ ") != std::string::npos);
  CHECK(
      has_line(lines, "audit                12.5       3.0      0.0      1.5      4.2      0.25"));
  CHECK(
      has_line(lines, "command               0.0       0.0      0.0        -        -      0.00"));
  CHECK(has_line(lines, "breakers: s3.control open"));
  const auto alerts = index_of(lines, "alerts:");
  REQUIRE(alerts + 2 < lines.size());
  CHECK(lines[alerts + 1].find("critical pain s1.a: new") != std::string::npos);  // newest first
  CHECK(lines[alerts + 2].find("high pain s5.policy: old") != std::string::npos);
  CHECK(has_line(lines, "member_dead s3.control (dead)"));
}

TEST_CASE("a narrower view cuts lines; a node without gossip is its own tree", "[cli][status]") {
  for (const auto& l : render_status(sample(), 40)) CHECK(l.size() <= 40);
  StatusSnapshot lone;
  lone.info = {{"name", "s1.solo"}, {"role", "S1"}, {"control", "tcp://127.0.0.1:1"}};
  lone.stats = {{"health", "viable"}};
  const auto lines = render_status(lone);
  CHECK(lines[index_of(lines, "S1 ")].find("s1.solo *") != std::string::npos);
  CHECK(has_line(lines, "partition: healthy"));
  CHECK(has_line(lines, "alerts: none"));
}

TEST_CASE("status JSON carries the same picture", "[cli][status]") {
  const auto j = status_json(sample());
  CHECK(j["node"] == "s5.policy");
  CHECK(j["health"] == "degraded");
  CHECK(j["partition"]["state"] == "degraded");
  CHECK(j["partition"]["sides"].size() == 2);
  CHECK(j["tree"]["S3"][0]["state"] == "dead");
  CHECK(j["tree"]["S1"].size() == 2);
  CHECK(j["tree"]["S4"].empty());
  CHECK(j["channels"]["audit"]["published_per_s"] == 12.5);
  CHECK(j["channels"]["audit"]["p99_us"] == 4200);
  CHECK(j["breakers"]["s3.control"] == "open");
  CHECK(j["telemetry"][0]["kind"] == "member_dead");
  CHECK(j["telemetry"][0]["subject"] == "s3.control");
}

}  // namespace vsmcat
