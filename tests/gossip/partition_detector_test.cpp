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
