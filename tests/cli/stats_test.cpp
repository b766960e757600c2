// `vsmcat stats` end to end: a `vsmcat node` receives three events from `vsmcat pub`;
// stats on its control endpoint shows them as JSON, as a table and with --watch rates.
// An endpoint nobody serves is a runtime error (exit 1), bad flags a usage error (2).
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "vsmcat_process.hpp"
#include "wait_until.hpp"

namespace vsm::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct Run {
  std::optional<int> exit_code;
  std::vector<std::string> lines;  // stdout and stderr
};

Run run_vsmcat(std::vector<std::string> args) {
  auto p = start_vsmcat(std::move(args));
  Run r;
  r.lines = read_all_lines(p, 20s);
  r.exit_code = p.wait_exit(20s);
  return r;
}

std::optional<json> stats_json(const std::string& control) {
  const Run r = run_vsmcat({"stats", "--node", control, "--json"});
  if (r.exit_code != 0 || r.lines.size() != 1) return std::nullopt;
  return json::parse(r.lines[0]);
}

bool has_line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

// A `vsmcat node` that received and printed three coordination events from a
// `vsmcat pub` (which exits after them); stopped on destruction.
class ReceivingNode {
 public:
  ReceivingNode() : pub_(start_pub()), node_(start_node(pub_endpoint_)) {
    auto c = node_.expect_prefix("control ", 20s);
    REQUIRE(c);
    control_ = *c;
    REQUIRE(node_.expect_prefix("ready", 20s));
    for (int i = 0; i < 3; ++i) REQUIRE(node_.expect_prefix("{", 20s));
    CHECK(pub_.wait_exit(20s) == 0);
  }
  ~ReceivingNode() { node_.stop(); }
  const std::string& control() const { return control_; }

 private:
  ChildProcess start_pub() {
    auto p =
        start_vsmcat({"pub", "-t", "coordination", "--type", "status", "--wait-subs", "1", "-m",
                      "{\"payload\":1}", "-m", "{\"payload\":2}", "-m", "{\"payload\":3}"});
    auto ep = p.expect_prefix("endpoint ", 20s);
    REQUIRE(ep);
    pub_endpoint_ = *ep;
    return p;
  }
  static ChildProcess start_node(const std::string& peer) {
    return start_vsmcat({"node", "--print", "--peers", peer});
  }

  std::string pub_endpoint_;  // set by start_pub(), before node_ is built
  ChildProcess pub_;
  ChildProcess node_;
  std::string control_;
};

}  // namespace

// One node for all the checks (starting it is the slow part); its counters do not change.
TEST_CASE("vsmcat stats shows a live node's counters", "[cli][stats]") {
  ReceivingNode node;

  // --json: one object with the per-channel counters and totals.
  std::optional<json> stats;
  REQUIRE(wait_until(
      [&] {
        stats = stats_json(node.control());
        return stats && (*stats)["total"]["delivered"] == 3;
      },
      20s));
  INFO(stats->dump());
  CHECK((*stats)["channels"]["coordination"]["received"] == 3);
  CHECK((*stats)["channels"]["coordination"]["delivered"] == 3);
  CHECK((*stats)["channels"]["command"]["received"] == 0);
  CHECK((*stats)["total"]["received"] == 3);
  CHECK((*stats)["total"]["published"] == 0);
  CHECK((*stats)["connected_publishers"].is_number());

  // Default: a table with a row per channel, then node-level lines.
  const Run table = run_vsmcat({"stats", "--node", node.control()});
  CHECK(table.exit_code == 0);
  REQUIRE(table.lines.size() > 7);
  CHECK(table.lines[0].rfind("channel ", 0) == 0);
  CHECK(table.lines[0].find("received") != std::string::npos);
  const char* rows[] = {"command ",   "coordination ",     "audit ",
                        "algedonic ", "resource_bargain ", "total "};
  for (std::size_t i = 0; i < 6; ++i) CHECK(table.lines[1 + i].rfind(rows[i], 0) == 0);
  CHECK(has_line_starting(table.lines, "decode_errors "));

  // --watch S --count N: N tables, separated by a blank line, the later ones with rates.
  const Run watch = run_vsmcat({"stats", "--node", node.control(), "--watch", "0.05", "-c", "2"});
  CHECK(watch.exit_code == 0);
  CHECK(std::count_if(watch.lines.begin(), watch.lines.end(),
                      [](const std::string& l) { return l.rfind("channel ", 0) == 0; }) == 2);
  CHECK(std::count(watch.lines.begin(), watch.lines.end(), "") == 1);
  CHECK(std::any_of(watch.lines.begin(), watch.lines.end(),
                    [](const std::string& l) { return l.find("/s)") != std::string::npos; }));

  // --watch without --count runs until SIGINT, then exits 0.
  auto until_signal = start_vsmcat({"stats", "--node", node.control(), "--watch", "0.05"});
  REQUIRE(until_signal.expect_prefix("total ", 20s));
  until_signal.kill(SIGINT);
  CHECK(until_signal.wait_exit(20s) == 0);
}

TEST_CASE("vsmcat stats: unreachable node and bad flags", "[cli][stats]") {
  TempDir dir;
  const std::string nobody = "ipc://" + (dir / "nobody").string();

  SECTION("no node at the endpoint: an error naming it, exit 1, nothing on stdout") {
    const Run r = run_vsmcat({"stats", "--node", nobody, "--timeout", "0.2"});
    CHECK(r.exit_code == 1);
    REQUIRE(r.lines.size() == 1);
    CHECK(r.lines[0].rfind("vsmcat stats: error: " + nobody + ": ", 0) == 0);
  }
  SECTION("usage errors exit 2") {
    CHECK(run_vsmcat({"stats", "--node", nobody, "-c", "2"}).exit_code == 2);  // needs --watch
    CHECK(run_vsmcat({"stats", "--node", "nowhere"}).exit_code == 2);
    CHECK(run_vsmcat({"stats", "--node", nobody, "--watch", "0"}).exit_code == 2);
    CHECK(run_vsmcat({"stats"}).exit_code == 2);
  }
}

}  // namespace vsm::test
