// Degraded mode (nodes/src/variety/degraded_mode.hpp): what is refused, dropped and
// marked while this node's side of a partition is degraded, and nothing while it is not.
#include <catch2/catch.hpp>

#include "variety/degraded_mode.hpp"

using vsm::Channel;
using vsm::Event;
using vsm::Role;
using vsm::detail::DegradedMode;

namespace {

vsm::gossip::PartitionView view(vsm::gossip::PartitionState state) {
  vsm::gossip::PartitionView v;
  v.state = state;
  v.partitions.push_back(vsm::gossip::Partition{"p:s1.a", {"s1.a", "s3.ops"}, 2, false, true});
  v.local = 0;
  v.reason = "no S5 in partition";
  return v;
}

std::vector<vsm::gossip::Member> members() {
  std::vector<vsm::gossip::Member> m(3);
  m[0].name = "s1.a";
  m[0].role = Role::kS1;
  m[1].name = "s3.ops";
  m[1].role = Role::kS3;
  m[2].name = "s5.policy";  // on the other side
  m[2].role = Role::kS5;
  return m;
}

Event command(std::string source, std::string node) {
  Event e;
  e.channel = Channel::kCommand;
  e.type = "set";
  e.source = std::move(source);
  e.ts.node = std::move(node);
  return e;
}

}  // namespace

TEST_CASE("a viable side changes nothing", "[variety][degraded]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.a";
  DegradedMode d(cfg);
  d.update(view(vsm::gossip::PartitionState::kHealthy), members());
  CHECK_FALSE(d.active());
  Event e = command("s1.a", "s1.a");
  CHECK(d.admit(e));
  CHECK(e.metadata.empty());
  CHECK(d.accept(command("s5.policy", "s5.policy")));
}

TEST_CASE("a degraded side refuses and drops commands from outside its S3/S5",
          "[variety][degraded]") {
  vsm::NodeConfig cfg;
  cfg.name = "s3.ops";
  cfg.role = Role::kS3;
  DegradedMode d(cfg);
  d.update(view(vsm::gossip::PartitionState::kDegraded), members());
  REQUIRE(d.active());
  // Its own S3 may still command; the event is marked with the side's name.
  Event own = command("s3.ops", "s3.ops");
  REQUIRE(d.admit(own));
  CHECK(own.metadata.at(std::string(vsm::kDegradedMetadataKey)) == vsm::Value::string("p:s1.a"));
  d.note_published(own, 7);
  Event later = command("s3.ops", "s3.ops");
  REQUIRE(d.admit(later));
  d.note_published(later, 9);
  // A relayed command from an S1 source is refused with kDegraded.
  Event relayed = command("s1.a", "s3.ops");
  auto st = d.admit(relayed);
  REQUIRE_FALSE(st);
  CHECK(st.error().code() == vsm::ErrorCode::kDegraded);
  // Other channels pass, marked.
  Event audit = command("s3.ops", "s3.ops");
  audit.channel = Channel::kAudit;
  CHECK(d.admit(audit));
  // Receiving: a command from the other side's S5 is dropped, the local S3's passes.
  CHECK_FALSE(d.accept(command("s5.policy", "s5.policy")));
  CHECK(d.accept(command("s3.ops", "s3.ops")));
  CHECK_FALSE(d.accept(command("s3.ops", "s1.a")));  // published by an S1 node
  vsm::VarietyStats s;
  d.fill_stats(s);
  CHECK(s.degraded_refused == 1);
  CHECK(s.degraded_dropped == 2);
  CHECK(s.degraded_marked == 3);
  auto ranges = d.take_ranges();
  REQUIRE(ranges.count(Channel::kCommand) == 1);
  CHECK(ranges.at(Channel::kCommand) == std::pair<std::uint64_t, std::uint64_t>{7, 9});
  CHECK(d.take_ranges().empty());
}

TEST_CASE("an S1 node on a degraded side may not command at all", "[variety][degraded]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.a";
  DegradedMode d(cfg);
  d.update(view(vsm::gossip::PartitionState::kDegraded), members());
  Event e = command("s1.a", "s1.a");
  CHECK(d.admit(e).error().code() == vsm::ErrorCode::kDegraded);
  cfg.degraded_refuse_commands = false;  // only mark
  Event f = command("s1.a", "s1.a");
  CHECK(d.admit(f));
  CHECK(f.metadata.count(std::string(vsm::kDegradedMetadataKey)) == 1);
}
