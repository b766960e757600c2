// Tarjan SCCs, quorum (static and role-weighted), VSM health rule, state transitions.
#include <catch2/catch.hpp>

#include "vsm/gossip/partition_detector.hpp"
#include "vsm/gossip/scc.hpp"

using namespace vsm::gossip;
using vsm::Role;

namespace {

Member member(std::string name, Role role, MemberState state = MemberState::kAlive) {
  Member m;
  m.name = std::move(name);
  m.role = role;
  m.state = state;
  return m;
}

}  // namespace

TEST_CASE("Tarjan finds strongly connected components", "[gossip][partition]") {
  // 0<->1<->2 cycle, 3->0 only, 4 isolated, 5<->6.
  std::vector<std::vector<std::size_t>> g = {{1}, {2}, {0}, {0}, {}, {6}, {5}};
  auto comps = strongly_connected_components(g);
  std::sort(comps.begin(), comps.end());
  REQUIRE(comps.size() == 4);
  CHECK(comps[0] == std::vector<std::size_t>{0, 1, 2});
  CHECK(comps[1] == std::vector<std::size_t>{3});
  CHECK(comps[2] == std::vector<std::size_t>{4});
  CHECK(comps[3] == std::vector<std::size_t>{5, 6});
}

TEST_CASE("Tarjan handles a long chain without recursion", "[gossip][partition]") {
  const std::size_t n = 200'000;
  std::vector<std::vector<std::size_t>> g(n);
  for (std::size_t i = 0; i + 1 < n; ++i) g[i].push_back(i + 1);
  g[n - 1].push_back(0);
  auto comps = strongly_connected_components(g);
  REQUIRE(comps.size() == 1);
  CHECK(comps[0].size() == n);
}

TEST_CASE("reachability reports split the graph into named partitions", "[gossip][partition]") {
  std::vector<Member> ms = {member("a", Role::kS5), member("b", Role::kS3),
                            member("c", Role::kS1), member("d", Role::kS1, MemberState::kDead),
                            member("e", Role::kS1, MemberState::kDead)};
  PartitionDetector det({}, "a");
  std::map<std::string, std::set<std::string>> reports = {
      {"b", {"d", "e"}}, {"c", {"d", "e"}}, {"d", {"a", "b", "c", "e"}}};
  auto ev = det.evaluate(0, ms, {"d", "e"}, reports);
  REQUIRE(ev);
  const PartitionView& v = det.view();
  // e has no report (stale view: it reaches everyone) but nobody reaches it -> its own SCC.
  REQUIRE(v.partitions.size() == 3);
  CHECK(v.partitions[0].members == std::vector<std::string>{"a", "b", "c"});
  CHECK(v.partitions[1].name == "p:d");
  CHECK(v.partitions[2].name == "p:e");
  CHECK(v.local == 0);
  CHECK(v.quorum);  // 3 of 5
  CHECK(v.state == PartitionState::kHealthy);
}

TEST_CASE("quorum: static size and role weights", "[gossip][partition]") {
  std::vector<Member> ms = {member("a", Role::kS5), member("b", Role::kS3), member("c", Role::kS1)};
  SECTION("static expected size larger than what we see") {
    PartitionConfig cfg;
    cfg.expected_total_weight = 7;
    PartitionDetector det(cfg, "a");
    (void)det.evaluate(0, ms, {}, {});
    CHECK_FALSE(det.view().quorum);
    CHECK(det.state() == PartitionState::kDegraded);
    CHECK(det.view().reason == "no quorum");
  }
  SECTION("weights make the S5 side the majority") {
    PartitionConfig cfg;
    cfg.role_weights = {{Role::kS5, 5.0}, {Role::kS3, 2.0}};
    PartitionDetector det(cfg, "a");
    std::vector<Member> five = ms;
    five.push_back(member("d", Role::kS1, MemberState::kDead));
    five.push_back(member("e", Role::kS1, MemberState::kDead));
    five.push_back(member("f", Role::kS1, MemberState::kDead));
    std::map<std::string, std::set<std::string>> r = {{"b", {"d", "e", "f"}}, {"c", {"d", "e", "f"}}};
    (void)det.evaluate(0, five, {"d", "e", "f"}, r);
    // d, e, f sent no reports (they reach everyone) but only each other reach them.
    REQUIRE(det.view().partitions.size() == 2);
    CHECK(det.view().partitions[1].members == std::vector<std::string>{"d", "e", "f"});
    CHECK(det.view().quorum);  // 8 of 11
  }
}

TEST_CASE("VSM rule and healthy -> degraded -> healing -> healthy", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.healing_hold_ms = 1'000;
  PartitionDetector det(cfg, "c");
  std::vector<Member> ms = {member("a", Role::kS5), member("b", Role::kS3), member("c", Role::kS1),
                            member("d", Role::kS1), member("e", Role::kS1)};
  REQUIRE(det.evaluate(0, ms, {}, {}));  // the first evaluation always reports
  CHECK(det.state() == PartitionState::kHealthy);
  CHECK_FALSE(det.evaluate(10, ms, {}, {}));

  // c, d, e lose a and b: majority by count, but no S5 and no S3 -> degraded.
  ms[0].state = ms[1].state = MemberState::kDead;
  std::map<std::string, std::set<std::string>> r = {{"d", {"a", "b"}}, {"e", {"a", "b"}}};
  auto ev = det.evaluate(100, ms, {"a", "b"}, r);
  REQUIRE(ev);
  CHECK(ev->from == PartitionState::kHealthy);
  CHECK(ev->to == PartitionState::kDegraded);
  CHECK(det.view().quorum);
  CHECK_FALSE(det.view().vsm_healthy);
  CHECK(det.view().reason == "no S5 in partition");

  ms[0].state = ms[1].state = MemberState::kAlive;
  ev = det.evaluate(200, ms, {}, {});
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kHealing);
  CHECK_FALSE(det.evaluate(700, ms, {}, {}));
  ev = det.evaluate(1'300, ms, {}, {});
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kHealthy);
}

TEST_CASE("left members are not part of the graph", "[gossip][partition]") {
  std::vector<Member> ms = {member("a", Role::kS5), member("b", Role::kS3),
                            member("c", Role::kS1, MemberState::kLeft)};
  PartitionDetector det({}, "a");
  (void)det.evaluate(0, ms, {}, {});
  REQUIRE(det.view().partitions.size() == 1);
  CHECK(det.view().partitions[0].members.size() == 2);
}

// --- Partition strategies (docs/GOSSIP.md "Partition strategies") ---

namespace {

// a, b (S5, S3) on one side; c, d, e (S1) on the other, as seen from `self`.
struct Split {
  std::vector<Member> ms = {member("a", Role::kS5), member("b", Role::kS3), member("c", Role::kS1),
                            member("d", Role::kS1), member("e", Role::kS1)};
  std::map<std::string, std::set<std::string>> reports = {
      {"a", {"c", "d", "e"}}, {"b", {"c", "d", "e"}}, {"c", {"a", "b"}},
      {"d", {"a", "b"}},      {"e", {"a", "b"}}};
  std::set<std::string> unreachable(const std::string& self) const {
    return self < "c" ? std::set<std::string>{"c", "d", "e"} : std::set<std::string>{"a", "b"};
  }
};

PartitionState state_of(PartitionConfig cfg, const std::string& self) {
  Split s;
  PartitionDetector det(std::move(cfg), self);
  (void)det.evaluate(0, s.ms, s.unreachable(self), s.reports);
  return det.state();
}

}  // namespace

TEST_CASE("strategy names round-trip", "[gossip][partition]") {
  for (auto st : {PartitionStrategy::kStaticQuorum, PartitionStrategy::kDynamicWeights,
                  PartitionStrategy::kVsmHealth, PartitionStrategy::kManual}) {
    CHECK(parse_partition_strategy(partition_strategy_name(st)) == st);
  }
  CHECK_FALSE(parse_partition_strategy("majority"));
}

TEST_CASE("static_quorum: majority by count, weights ignored", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.strategy = PartitionStrategy::kStaticQuorum;
  cfg.require_s5 = cfg.require_s3 = false;
  cfg.role_weights = {{Role::kS5, 10.0}};  // ignored by a count
  CHECK(state_of(cfg, "a") == PartitionState::kDegraded);  // 2 of 5
  CHECK(state_of(cfg, "c") == PartitionState::kHealthy);   // 3 of 5
  cfg.expected_total_weight = 7;                            // the cluster is 7 nodes
  CHECK(state_of(cfg, "c") == PartitionState::kDegraded);  // 3 of 7
}

TEST_CASE("dynamic_weights: node weights beat role weights", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.require_s5 = cfg.require_s3 = false;
  cfg.role_weights = {{Role::kS1, 1.0}};
  cfg.node_weights = {{"a", 3.0}, {"b", 1.5}};
  CHECK(state_of(cfg, "a") == PartitionState::kHealthy);   // 4.5 of 7.5
  CHECK(state_of(cfg, "c") == PartitionState::kDegraded);  // 3 of 7.5
  Split s;
  PartitionDetector det(cfg, "c");
  (void)det.evaluate(0, s.ms, s.unreachable("c"), s.reports);
  CHECK(det.view().reason == "no quorum");
  CHECK(det.view().strategy == PartitionStrategy::kDynamicWeights);
}

TEST_CASE("vsm_health: S5 and S3 present and no unresolved critical pain", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.strategy = PartitionStrategy::kVsmHealth;
  cfg.pain_window_ms = 1'000;
  cfg.require_s5 = cfg.require_s3 = false;  // vsm_health requires both regardless
  CHECK(state_of(cfg, "c") == PartitionState::kDegraded);  // a majority, but no S5/S3
  CHECK(state_of(cfg, "a") == PartitionState::kHealthy);   // a minority that is viable
  Split s;
  PartitionDetector det(cfg, "a");
  REQUIRE(det.evaluate(0, s.ms, s.unreachable("a"), s.reports));
  det.note_algedonic(10, "s1.pump", /*pain=*/true, /*critical=*/false);  // not critical
  CHECK_FALSE(det.evaluate(20, s.ms, s.unreachable("a"), s.reports));
  det.note_algedonic(30, "s1.pump", true, true);
  auto ev = det.evaluate(40, s.ms, s.unreachable("a"), s.reports);
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kDegraded);
  CHECK(det.view().reason == "unresolved critical pain from s1.pump");
  CHECK(det.view().unresolved_pain == 1);
  det.note_algedonic(50, "s1.pump", /*pain=*/false, false);  // pleasure resolves it
  ev = det.evaluate(60, s.ms, s.unreachable("a"), s.reports);
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kHealing);
  // Unresolved pain expires after the window.
  det.note_algedonic(100, "s1.valve", true, true);
  CHECK(det.evaluate(200, s.ms, s.unreachable("a"), s.reports)->to == PartitionState::kDegraded);
  CHECK(det.evaluate(1'100, s.ms, s.unreachable("a"), s.reports)->to == PartitionState::kHealing);
}

TEST_CASE("vsm_health: pain sources are bounded", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.strategy = PartitionStrategy::kVsmHealth;
  PartitionDetector det(cfg, "a");
  for (std::size_t i = 0; i < 3 * PartitionDetector::kMaxPainSources; ++i) {
    det.note_algedonic(i, "s1.n" + std::to_string(i), true, true);
  }
  Split s;
  (void)det.evaluate(10'000, s.ms, s.unreachable("a"), s.reports);
  CHECK(det.view().unresolved_pain == PartitionDetector::kMaxPainSources);
}

TEST_CASE("manual: stays degraded until resolved, then needs a new trip", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.strategy = PartitionStrategy::kManual;
  cfg.healing_hold_ms = 100;
  Split s;
  std::vector<Member> whole = s.ms;
  {
    // Starting split (before joining) is degraded, but not latched: nothing to resolve.
    PartitionDetector fresh(cfg, "c");
    (void)fresh.evaluate(0, s.ms, s.unreachable("c"), s.reports);
    CHECK(fresh.state() == PartitionState::kDegraded);
    CHECK_FALSE(fresh.view().awaiting_resolve);
    CHECK_FALSE(fresh.resolve());
  }
  PartitionDetector det(cfg, "c");
  CHECK_FALSE(det.resolve());  // nothing to resolve
  REQUIRE(det.evaluate(0, whole, {}, {}));
  CHECK(det.state() == PartitionState::kHealthy);
  (void)det.evaluate(10, s.ms, s.unreachable("c"), s.reports);
  CHECK(det.state() == PartitionState::kDegraded);
  CHECK(det.view().awaiting_resolve);
  // The network heals, the side stays degraded: an operator must say so.
  (void)det.evaluate(20, whole, {}, {});
  CHECK(det.state() == PartitionState::kDegraded);
  CHECK(det.view().reason == "awaiting operator resolve (vsmcat partition resolve)");
  REQUIRE(det.resolve());
  CHECK(det.evaluate(30, whole, {}, {})->to == PartitionState::kHealing);
  CHECK(det.evaluate(200, whole, {}, {})->to == PartitionState::kHealthy);
  // Resolving while still split accepts the split until it clears and trips again.
  (void)det.evaluate(300, s.ms, s.unreachable("c"), s.reports);
  REQUIRE(det.resolve());
  CHECK(det.evaluate(310, s.ms, s.unreachable("c"), s.reports)->to == PartitionState::kHealing);
  (void)det.evaluate(500, s.ms, s.unreachable("c"), s.reports);
  CHECK(det.state() == PartitionState::kHealthy);
  (void)det.evaluate(600, whole, {}, {});
  (void)det.evaluate(700, s.ms, s.unreachable("c"), s.reports);
  CHECK(det.state() == PartitionState::kDegraded);
}

TEST_CASE("one-way links change the view and are reported", "[gossip][partition]") {
  Split s;
  std::vector<Member> whole = s.ms;
  PartitionDetector det({}, "a");
  REQUIRE(det.evaluate(0, whole, {}, {}));
  auto ev = det.evaluate(10, whole, {}, {}, {{"a", "c"}});
  REQUIRE(ev);
  CHECK(ev->from == ev->to);
  REQUIRE(ev->view.one_way.size() == 1);
  CHECK(ev->view.one_way[0] == OneWayLink{"a", "c"});
  CHECK_FALSE(det.evaluate(20, whole, {}, {}, {{"a", "c"}}));
  CHECK(det.evaluate(30, whole, {}, {}));  // cleared
  CHECK(det.view().is_local_member("c"));
  CHECK_FALSE(det.view().is_local_member("z"));
}
