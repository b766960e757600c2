// render_stats (cli/src/stats_table.hpp): the channel table takes its columns from the
// map, other fields become `key value` lines, and a previous sample adds rates.
#include "stats_table.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace vsmcat {
namespace {

using Json = nlohmann::ordered_json;

Json counters(std::uint64_t published, std::uint64_t sent) {
  return Json{{"published", published}, {"sent", sent}};
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = line.find_first_not_of(' ', i)) != std::string::npos) {
    const std::size_t end = line.find(' ', i);
    out.push_back(line.substr(i, end - i));
    i = end;
  }
  return out;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("the channel table has a row per channel, the total and every key as a column",
          "[cli][stats]") {
  Json stats;
  stats["channels"]["command"] = counters(3, 2);
  stats["channels"]["audit"] = counters(0, 0);
  stats["channels"]["audit"]["quota_rejected"] = 7;  // a counter added later
  stats["subscribers"] = 2;
  stats["total"] = counters(3, 2);
  const auto lines = render_stats(stats);
  REQUIRE(lines.size() == 5);
  CHECK(words(lines[0]) == Words{"channel", "published", "sent", "quota_rejected"});
  CHECK(words(lines[1]) == Words{"command", "3", "2", "-"});
  CHECK(words(lines[2]) == Words{"audit", "0", "0", "7"});
  CHECK(words(lines[3]) == Words{"total", "3", "2", "-"});
  CHECK(words(lines[4]) == Words{"subscribers", "2"});
  CHECK(lines[0].size() == lines[1].size());  // aligned columns
}

TEST_CASE("node-level fields: nested maps as dotted keys, arrays as JSON, strings bare",
          "[cli][stats]") {
  Json stats;
  stats["decode_errors"] = 0;
  stats["algedonic"] = {{"raised", 2}, {"acks", {{"ok", 1}}}};
  stats["repair_breakers"] = {{"s1.a", "open"}};
  stats["peers"] = Json::array({"a", "b"});
  stats["variety_pressure"] = 0.25;
  stats["empty"] = Json::object();
  const auto lines = render_stats(stats);
  REQUIRE(lines.size() == 7);
  CHECK(words(lines[0]) == Words{"decode_errors", "0"});
  CHECK(words(lines[1]) == Words{"algedonic.raised", "2"});
  CHECK(words(lines[2]) == Words{"algedonic.acks.ok", "1"});
  CHECK(words(lines[3]) == Words{"repair_breakers.s1.a", "open"});
  CHECK(words(lines[4]) == Words{"peers", "[\"a\",\"b\"]"});
  CHECK(words(lines[5]) == Words{"variety_pressure", "0.25"});
  CHECK(words(lines[6]) == Words{"empty", "{}"});
}

TEST_CASE("with a previous sample, integers show their change per second", "[cli][stats]") {
  Json before;
  before["channels"]["command"] = counters(10, 10);
  before["publish_queue_depth"] = 8;
  before["variety_pressure"] = 0.5;
  Json now;
  now["channels"]["command"] = counters(30, 10);
  now["channels"]["audit"] = counters(4, 4);  // no previous value: no rate
  now["publish_queue_depth"] = 4;
  now["variety_pressure"] = 0.75;
  const StatsDelta delta{before, 2.0};
  const auto lines = render_stats(now, &delta);
  REQUIRE(lines.size() == 5);
  CHECK(words(lines[1]) == Words{"command", "30", "(10.0/s)", "10", "(0.0/s)"});
  CHECK(words(lines[2]) == Words{"audit", "4", "4"});
  CHECK(words(lines[3]) == Words{"publish_queue_depth", "4", "(-2.0/s)"});
  CHECK(words(lines[4]) == Words{"variety_pressure", "0.75"});
}

TEST_CASE("other maps of rows (latency, rates) are tables of their own, headed by their key",
          "[cli][stats]") {
  Json stats;
  stats["channels"]["audit"] = counters(1, 1);
  stats["latency"]["audit"] = {{"count", 4}, {"p99_us", 1200}};
  stats["latency"]["total"] = {{"count", 4}, {"p99_us", 1200}};
  stats["health"] = "viable";
  const auto lines = render_stats(stats);
  REQUIRE(lines.size() == 6);
  CHECK(words(lines[0]) == Words{"channel", "published", "sent"});
  CHECK(words(lines[2]) == Words{"latency", "count", "p99_us"});
  CHECK(words(lines[3]) == Words{"audit", "4", "1200"});
  CHECK(words(lines[4]) == Words{"total", "4", "1200"});
  CHECK(words(lines[5]) == Words{"health", "viable"});
}

TEST_CASE("a map without the channel table is printed as fields", "[cli][stats]") {
  Json stats;
  stats["channels"] = 3;
  CHECK(render_stats(stats) == std::vector<std::string>{"channels  3"});
  CHECK(render_stats(Json("odd")) == std::vector<std::string>{"odd"});
}

}  // namespace vsmcat
