// The partition detector's start-up rule (PartitionConfig::join_grace_ms): a node is not
// degraded for lacking a role it has never seen, until the join grace has passed; a role
// once seen counts at once when it goes missing.
#include <catch2/catch.hpp>

#include "vsm/gossip/partition_detector.hpp"

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

TEST_CASE("a lone S1 is healthy until the join grace passes", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.join_grace_ms = 30'000;
  PartitionDetector det(cfg, "s1.solo");
  const std::vector<Member> alone = {member("s1.solo", Role::kS1)};
  REQUIRE(det.evaluate(1'000, alone, {}, {}));
  CHECK(det.state() == PartitionState::kHealthy);
  CHECK(det.view().reason.empty());
  CHECK_FALSE(det.evaluate(30'999, alone, {}, {}));
  CHECK(det.state() == PartitionState::kHealthy);

  auto ev = det.evaluate(31'000, alone, {}, {});
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kDegraded);
  CHECK(det.view().reason == "no S5 in partition (none seen within the join grace)");
}

TEST_CASE("a role once seen counts at once when it goes missing", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.join_grace_ms = 30'000;
  PartitionDetector det(cfg, "s1.a");
  std::vector<Member> ms = {member("s1.a", Role::kS1), member("s1.c", Role::kS1)};
  (void)det.evaluate(0, ms, {}, {});
  ms.push_back(member("s5.p", Role::kS5));
  (void)det.evaluate(100, ms, {}, {});
  CHECK(det.state() == PartitionState::kHealthy);  // no S3 seen yet: not required yet

  ms[2].state = MemberState::kDead;  // 2 of 3 keep a quorum
  auto ev = det.evaluate(200, ms, {"s5.p"}, {{"s1.c", {"s5.p"}}});
  REQUIRE(ev);
  CHECK(ev->to == PartitionState::kDegraded);
  CHECK(det.view().reason == "no S5 in partition");
}

TEST_CASE("S3 seen, S5 never: the missing S3 counts, the unseen S5 not yet",
          "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.join_grace_ms = 5'000;
  PartitionDetector det(cfg, "s1.a");
  std::vector<Member> ms = {member("s1.a", Role::kS1), member("s1.b", Role::kS1),
                            member("s3.c", Role::kS3)};
  (void)det.evaluate(0, ms, {}, {});
  CHECK(det.state() == PartitionState::kHealthy);
  ms[2].state = MemberState::kDead;
  (void)det.evaluate(1'000, ms, {"s3.c"}, {{"s1.b", {"s3.c"}}});
  CHECK(det.state() == PartitionState::kDegraded);
  CHECK(det.view().reason == "no S3 in partition");
}

TEST_CASE("join_grace_ms = 0 applies the VSM rule from the start", "[gossip][partition]") {
  PartitionConfig cfg;
  cfg.join_grace_ms = 0;
  PartitionDetector det(cfg, "s1.solo");
  (void)det.evaluate(0, {member("s1.solo", Role::kS1)}, {}, {});
  CHECK(det.state() == PartitionState::kDegraded);
}
