// `vsmcat alert` end to end: an S5 `vsmcat node` receives the alert on its algedonic
// lane (sealed with the cluster key) and prints it; the alert command prints the
// delivery report with the S5 node's acknowledgement and exits 0, with its lane settings
// from flags or from --config. Without an acknowledging peer it reports the failure and
// exits 1.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vsmcat_process.hpp"

namespace vsm::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kKey =  // 32 bytes as hex, shared by sender and receiver
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// The next output line that is a JSON object (events and reports; status lines are not).
std::optional<json> next_json(ChildProcess& p, std::chrono::milliseconds timeout) {
  auto rest = p.expect_prefix("{", timeout);
  if (!rest) return std::nullopt;
  return json::parse("{" + *rest);
}

std::vector<std::string> alert_args(const std::string& peer) {
  return {"alert",     "--severity", "critical",    "--signal", "pain",
          "-d",        "pump 3 overheating",        "--metric", "temp=97.5",
          "--name",    "s1.ops",     "--dish-peer", peer,       "--key",
          kKey,        "--timeout",  "10"};
}

}  // namespace

TEST_CASE("vsmcat alert reaches an S5 node and reports its acknowledgement", "[cli][alert]") {
  TempDir dir;
  const std::string dish = "udp://127.0.0.1:" + std::to_string(free_udp_port());
  const std::string config = dir.write("s5.toml", "[node]\n"
                                                  "name = \"s5.policy\"\n"
                                                  "role = \"S5\"\n"
                                                  "dish_bind = \"" + dish + "\"\n"
                                                  "cluster_key = \"" + kKey + "\"\n");
  auto s5 = start_vsmcat({"--config", config, "node", "--print"});
  REQUIRE(s5.expect_prefix("ready", 20s));

  auto alert = start_vsmcat(alert_args(dish));
  const auto report = next_json(alert, 20s);
  REQUIRE(report);
  INFO(report->dump());
  CHECK(alert.wait_exit(20s) == 0);
  CHECK((*report)["delivered"] == 1);
  CHECK((*report)["peers_total"] == 1);
  REQUIRE((*report)["peers"].size() == 1);
  const json& peer = (*report)["peers"][0];
  CHECK(peer["endpoint"] == dish);
  CHECK(peer["node"] == "s5.policy");
  CHECK(peer["delivered"] == true);

  const auto event = next_json(s5, 20s);
  REQUIRE(event);
  INFO(event->dump());
  CHECK((*event)["id"] == (*report)["id"]);
  CHECK((*event)["channel"] == "algedonic");
  CHECK((*event)["source"] == "s1.ops");
  CHECK((*event)["payload"]["description"] == "pump 3 overheating");
  s5.kill(SIGTERM);
  CHECK(s5.wait_exit(20s) == 0);
}

TEST_CASE("vsmcat alert takes its lane settings from --config; flags override them",
          "[cli][alert]") {
  TempDir dir;
  const std::string dish = "udp://127.0.0.1:" + std::to_string(free_udp_port());
  const std::string s5_config = dir.write("s5.toml", "[node]\n"
                                                     "name = \"s5.policy\"\n"
                                                     "role = \"S5\"\n"
                                                     "dish_bind = \"" + dish + "\"\n"
                                                     "cluster_key = \"" + kKey + "\"\n");
  auto s5 = start_vsmcat({"--config", s5_config, "node"});
  REQUIRE(s5.expect_prefix("ready", 20s));
  // The peer and the key only in the file; its dish_bind is no UDP endpoint.
  const std::string config = dir.write("s1.toml", "[node]\n"
                                                  "dish_bind = \"tcp://127.0.0.1:1\"\n"
                                                  "dish_peers = [\"" + dish + "\"]\n"
                                                  "cluster_key = \"" + kKey + "\"\n");
  const std::vector<std::string> args = {"--config", config, "alert", "-d", "pump 3",
                                         "--name", "s1.ops", "--timeout", "10"};

  auto from_file = start_vsmcat(args);
  CHECK(from_file.expect_prefix("vsmcat alert: ", 20s).value_or("").find("tcp://127.0.0.1:1") !=
        std::string::npos);
  CHECK(from_file.wait_exit(20s) == 2);

  auto with_flag = args;
  with_flag.insert(with_flag.end(), {"--dish-bind", "udp://127.0.0.1:*"});
  auto alert = start_vsmcat(with_flag);
  const auto report = next_json(alert, 20s);
  REQUIRE(report);
  INFO(report->dump());
  CHECK(alert.wait_exit(20s) == 0);
  CHECK((*report)["delivered"] == 1);
  REQUIRE((*report)["peers"].size() == 1);
  CHECK((*report)["peers"][0]["node"] == "s5.policy");  // acknowledged: sealed with the key
}

TEST_CASE("vsmcat alert exits 1 when no peer acknowledges", "[cli][alert]") {
  // Nothing listens on this port: every retry goes unanswered.
  const std::string dish = "udp://127.0.0.1:" + std::to_string(free_udp_port());
  auto alert = start_vsmcat(alert_args(dish));
  const auto report = next_json(alert, 20s);
  REQUIRE(report);
  INFO(report->dump());
  CHECK(alert.wait_exit(20s) == 1);
  CHECK((*report)["delivered"] == 0);
  REQUIRE((*report)["peers"].size() == 1);
  CHECK((*report)["peers"][0]["delivered"] == false);
  CHECK((*report)["peers"][0]["attempts"].get<int>() > 1);
}

}  // namespace vsm::test
