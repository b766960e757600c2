// Multi-process tests on loopback: 5 gossip_agent processes join through one seed;
// kill -9 one, every other marks it dead; restart it, it rejoins with a higher incarnation.
// Sealed agents run their push-pull exchanges (joins, anti-entropy) over TCP between
// processes; an agent with a foreign key gets nothing.
#include <catch2/catch.hpp>

#include "agent_harness.hpp"

using namespace vsm::gossip::test;

namespace {

const std::string kAgent = std::string(VSM_TEST_BIN_DIR) + "/tests/gossip/gossip_agent";
// Relaxed a little for a loaded 2-core CI box; detection is still ~1-2 s.
const std::vector<std::string> kTiming = {"--probe-timeout-ms", "150"};

std::vector<std::string> agent_args(const std::string& name, const std::string& role, int seed_port,
                                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a = {kAgent, "--name", name, "--role", role};
  a.insert(a.end(), extra.begin(), extra.end());
  if (seed_port != 0) {
    a.push_back("--seed");
    a.push_back("127.0.0.1:" + std::to_string(seed_port));
  }
  a.insert(a.end(), kTiming.begin(), kTiming.end());
  return a;
}

}  // namespace

TEST_CASE("agents detect a kill -9 and a restart rejoins with a higher incarnation",
          "[gossip][process]") {
  AgentSet agents;
  const std::vector<std::string> names = {"a0", "a1", "a2", "a3", "a4"};
  const std::vector<std::string> roles = {"S5", "S3", "S1", "S1", "S2"};
  REQUIRE(agents.spawn("a0", agent_args("a0", "S5", 0)));
  REQUIRE(agents.wait_for([&] { return ready_port(agents.lines("a0")) != 0; }, 10'000));
  const int seed_port = ready_port(agents.lines("a0"));
  for (std::size_t i = 1; i < names.size(); ++i) {
    REQUIRE(agents.spawn(names[i], agent_args(names[i], roles[i], seed_port)));
  }
  auto all_see = [&](const std::string& who, const std::function<bool(const std::string&, std::uint64_t)>& pred) {
    for (const auto& n : names) {
      if (n == who) continue;
      auto st = latest_states(agents.lines(n));
      auto it = st.find(who);
      if (it == st.end() || !pred(it->second.first, it->second.second)) return false;
    }
    return true;
  };
  bool converged = agents.wait_for(
      [&] {
        for (const auto& n : names) {
          if (!all_see(n, [](const std::string& k, std::uint64_t) { return is_live(k); })) return false;
        }
        return true;
      },
      20'000);
  REQUIRE(converged);

  auto killed_at = std::chrono::steady_clock::now();
  agents.kill_agent("a2", SIGKILL);
  bool dead = agents.wait_for(
      [&] { return all_see("a2", [](const std::string& k, std::uint64_t) { return k == "dead"; }); },
      20'000);
  auto detect_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - killed_at).count();
  INFO("kill -9 detected by all in " << detect_ms << " ms");
  REQUIRE(dead);
  std::uint64_t dead_inc = latest_states(agents.lines("a0")).at("a2").second;

  REQUIRE(agents.spawn("a2", agent_args("a2", "S1", seed_port)));
  bool rejoined = agents.wait_for(
      [&] {
        return all_see("a2", [&](const std::string& k, std::uint64_t inc) {
          return is_live(k) && inc > dead_inc;
        });
      },
      20'000);
  REQUIRE(rejoined);
  agents.stop_all();
}

TEST_CASE("sealed push-pull runs over TCP between processes and refuses a foreign key",
          "[gossip][process][tcp]") {
  const std::string key(64, 'a');
  const std::vector<std::string> sealed = {"--key", key, "--push-pull-interval-ms", "300"};
  AgentSet agents;
  REQUIRE(agents.spawn("p0", agent_args("p0", "S5", 0, sealed)));
  REQUIRE(agents.wait_for([&] { return ready_port(agents.lines("p0")) != 0; }, 10'000));
  const int seed_port = ready_port(agents.lines("p0"));
  REQUIRE(agents.spawn("p1", agent_args("p1", "S3", seed_port, sealed)));
  REQUIRE(agents.spawn("p2", agent_args("p2", "S1", seed_port, sealed)));
  auto sees = [&](const std::string& who, const std::string& whom) {
    auto st = latest_states(agents.lines(who));
    return st.count(whom) != 0 && is_live(st.at(whom).first);
  };
  REQUIRE(agents.wait_for(
      [&] {
        return sees("p0", "p1") && sees("p0", "p2") && sees("p1", "p2") && sees("p2", "p1");
      },
      20'000));
  // Joins and periodic anti-entropy exchanges were answered over TCP, none failed.
  REQUIRE(agents.wait_for(
      [&] {
        return last_stat(agents.lines("p0"), "push_pulls_answered") >= 4 &&
               last_stat(agents.lines("p1"), "push_pulls_sent") >= 3 &&
               last_stat(agents.lines("p1"), "stream_bytes_received") > 0;
      },
      20'000));
  CHECK(last_stat(agents.lines("p1"), "push_pull_failures") == 0);
  CHECK(last_stat(agents.lines("p0"), "dropped") == 0);

  // Same key id, other key bytes: its join push-pull fails authentication and is
  // answered with nothing, so it never joins.
  const std::vector<std::string> foreign = {"--key", std::string(64, 'b')};
  REQUIRE(agents.spawn("x", agent_args("x", "S1", seed_port, foreign)));
  REQUIRE(agents.wait_for(
      [&] {
        return last_stat(agents.lines("p0"), "auth_failed") > 0 &&
               last_stat(agents.lines("x"), "push_pull_failures") >= 2;
      },
      20'000));
  CHECK(latest_states(agents.lines("x")).empty());
  CHECK(latest_states(agents.lines("p0")).count("x") == 0);
  agents.stop_all();
}
