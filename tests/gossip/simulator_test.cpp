// Whole-cluster properties in the deterministic simulator: convergence at 1,000 nodes,
// failure detection by everyone, no false positives under 10 % loss, partitions.
#include <catch2/catch.hpp>

#include <algorithm>

#include "vsm/gossip/simulator.hpp"

using namespace vsm::gossip;

namespace {

std::string name_of(std::size_t i) { return "n" + std::to_string(i); }

}  // namespace

// Hidden from the default run; registered as its own ctest (gossip_simulator_1000_test).
TEST_CASE("1,000 nodes converge to full membership", "[gossip][simulator][.n1000]") {
  Simulator sim({.seed = 21});
  const std::size_t n = 1000;
  const MembershipConfig cfg;  // the defaults, as gossip_bench measures them
  for (std::size_t i = 0; i < n; ++i) sim.add_node(name_of(i), vsm::Role::kS1, cfg);
  // Everyone joins through one seed at the same instant: the worst case for the seed.
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
  bool ok = sim.run_until([&] { return sim.converged(); }, 120'000);
  INFO("virtual ms " << sim.now_ms());
  REQUIRE(ok);
  // O(log N) rounds: well under 100 probe intervals, and within the 15-round target.
  CHECK(sim.now_ms() < 100 * cfg.probe_interval_ms);
  CHECK(sim.now_ms() <= 15 * cfg.probe_interval_ms);
  CHECK(sim.stats().max_datagram_bytes <= 1400);
}

// Hidden from the default run; registered as its own ctest (gossip_simulator_scale_test).
TEST_CASE("1,500 bootstrapped nodes hold their views in ~40 bytes per member",
          "[gossip][simulator][.scale]") {
  const std::size_t n = 1500;
  MembershipConfig cfg;
  cfg.max_members = n;
  Simulator sim({.seed = 25});
  for (std::size_t i = 0; i < n; ++i) sim.add_node(name_of(i), vsm::Role::kS1, cfg);
  sim.bootstrap();
  REQUIRE(sim.converged());
  std::size_t table_bytes = 0;
  for (std::size_t i = 0; i < n; ++i) table_bytes += sim.node(i).footprint().table_bytes;
  const double per_member = static_cast<double>(table_bytes) / static_cast<double>(n * n);
  INFO("table bytes per known member " << per_member);
  CHECK(per_member <= 40.0);
  CHECK(sim.record_pool().record_count() == n);  // each record once, shared by all tables
  sim.crash(n / 2);
  REQUIRE(sim.run_until([&] { return sim.observers_seeing(name_of(n / 2), MemberState::kDead) == n - 1; },
                        20'000));
}

TEST_CASE("a crashed node is declared dead by every other node", "[gossip][simulator]") {
  Simulator sim({.seed = 23});
  const std::size_t n = 50;
  for (std::size_t i = 0; i < n; ++i) sim.add_node(name_of(i), vsm::Role::kS1, {});
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 30'000));
  const std::uint64_t crashed_at = sim.now_ms();
  sim.crash(17);
  REQUIRE(sim.run_until([&] { return sim.observers_seeing("n17", MemberState::kDead) == n - 1; },
                        20'000));
  INFO("detected by all after " << sim.now_ms() - crashed_at << " ms");
  CHECK(sim.now_ms() - crashed_at <= 5'000);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 17) CHECK(sim.node(i).live_count() == n - 1);
  }
}

TEST_CASE("10% packet loss declares no healthy node dead", "[gossip][simulator][slow]") {
  Simulator sim({.seed = 29, .loss = 0.10, .min_delay_ms = 1, .max_delay_ms = 10});
  const std::size_t n = 32;
  std::uint64_t false_deaths = 0;
  std::uint64_t suspicions = 0;
  sim.on_event([&](std::size_t, std::uint64_t, const MemberEvent& e) {
    if (e.kind == MemberEventKind::kDead) ++false_deaths;
    if (e.kind == MemberEventKind::kSuspect) ++suspicions;
  });
  for (std::size_t i = 0; i < n; ++i) sim.add_node(name_of(i), vsm::Role::kS1, {});
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 60'000));
  sim.run_for(10 * 60'000);  // ten simulated minutes
  INFO("suspicions raised (all refuted): " << suspicions);
  CHECK(false_deaths == 0);
  CHECK(sim.converged());
}

TEST_CASE("a partition into two SCCs is named on both sides and heals",
          "[gossip][simulator][partition]") {
  SimulatorConfig cfg{.seed = 31, .partition_detection = true};
  Simulator sim(cfg);
  // Side A: n0..n5 with S5 and S3; side B: n6..n9 with S1/S2 only.
  const std::vector<vsm::Role> roles = {vsm::Role::kS5, vsm::Role::kS3, vsm::Role::kS1,
                                        vsm::Role::kS1, vsm::Role::kS4, vsm::Role::kS3Star,
                                        vsm::Role::kS1, vsm::Role::kS2, vsm::Role::kS1,
                                        vsm::Role::kS1};
  for (std::size_t i = 0; i < roles.size(); ++i) sim.add_node(name_of(i), roles[i], {});
  for (std::size_t i = 0; i < roles.size(); ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 10'000));
  // Lone nodes start degraded (no S5/S3 yet), then heal once they have joined.
  REQUIRE(sim.run_until(
      [&] {
        for (std::size_t i = 0; i < sim.size(); ++i) {
          if (sim.detector(i).state() != PartitionState::kHealthy) return false;
        }
        return true;
      },
      5'000));

  std::vector<std::string> side_a = {"n0", "n1", "n2", "n3", "n4", "n5"};
  std::vector<std::string> side_b = {"n6", "n7", "n8", "n9"};
  sim.set_groups({0, 0, 0, 0, 0, 0, 1, 1, 1, 1});
  auto split_seen = [&](std::size_t node) {
    const PartitionView& v = sim.detector(node).view();
    if (v.partitions.size() != 2) return false;
    return v.partitions[0].members == side_a && v.partitions[1].members == side_b;
  };
  REQUIRE(sim.run_until(
      [&] {
        for (std::size_t i = 0; i < sim.size(); ++i) {
          if (!split_seen(i)) return false;
        }
        return true;
      },
      20'000));
  CHECK(sim.detector(0).view().partitions[0].name == "p:n0");
  CHECK(sim.detector(0).state() == PartitionState::kHealthy);   // majority with S5 + S3
  CHECK(sim.detector(8).state() == PartitionState::kDegraded);  // minority without S5/S3
  CHECK_FALSE(sim.detector(8).view().quorum);
  CHECK(sim.detector(8).view().partitions[sim.detector(8).view().local].name == "p:n6");

  sim.heal();
  bool healed = sim.run_until(
      [&] {
        if (!sim.converged()) return false;
        for (std::size_t i = 0; i < sim.size(); ++i) {
          if (sim.detector(i).view().partitions.size() != 1) return false;
        }
        return true;
      },
      30'000);
  REQUIRE(healed);
  CHECK(sim.detector(8).state() == PartitionState::kHealing);
  REQUIRE(sim.run_until([&] { return sim.detector(8).state() == PartitionState::kHealthy; },
                        5'000));
}

TEST_CASE("a one-way link is found by the side that still hears the other", "[gossip][simulator]") {
  Simulator sim({.seed = 31, .partition_detection = true});
  for (std::size_t i = 0; i < 4; ++i) sim.add_node(name_of(i), vsm::Role::kS1, {});
  for (std::size_t i = 0; i < 4; ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 10'000));
  CHECK(sim.node(1).one_way_links(sim.now_ms()).empty());
  sim.cut_one_way(1, 2);  // n1's datagrams no longer reach n2; n2's still reach n1
  REQUIRE(sim.run_until([&] {
    const auto links = sim.detector(1).view().one_way;
    return links.size() == 1 && links[0] == OneWayLink{"n1", "n2"};
  }, 20'000));
  // n2 hears nothing from n1 directly, so it names no one-way link; nobody is dead
  // (ping-req still reaches both) and the membership stays whole.
  CHECK(sim.node(2).one_way_links(sim.now_ms()).empty());
  CHECK(sim.converged());
  sim.heal();
  REQUIRE(sim.run_until([&] { return sim.detector(1).view().one_way.empty(); }, 30'000));
}
