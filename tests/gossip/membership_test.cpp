// Membership state machine on small simulated clusters: join, refutation, metadata
// updates, graceful leave, restart with a higher incarnation, drop counters.
#include <catch2/catch.hpp>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/simulator.hpp"

using namespace vsm::gossip;

namespace {

Simulator make_cluster(std::size_t n, std::uint64_t seed, MembershipConfig cfg = {}) {
  Simulator sim({.seed = seed});
  for (std::size_t i = 0; i < n; ++i) sim.add_node("n" + std::to_string(i), vsm::Role::kS1, cfg);
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
  return sim;
}

}  // namespace

TEST_CASE("a small cluster converges and emits joined events", "[gossip][membership]") {
  Simulator sim({.seed = 3});
  std::map<std::size_t, int> joined;
  sim.on_event([&](std::size_t node, std::uint64_t, const MemberEvent& e) {
    if (e.kind == MemberEventKind::kJoined) joined[node]++;
  });
  for (int i = 0; i < 5; ++i) sim.add_node("n" + std::to_string(i), vsm::Role::kS1, {});
  for (std::size_t i = 0; i < 5; ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(joined[i] == 4);
    CHECK(sim.node(i).joined());
  }
}

TEST_CASE("metadata updates bump the incarnation and propagate", "[gossip][membership]") {
  Simulator sim = make_cluster(6, 5);
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  Endpoints ep{"tcp://n3:9", "tcp://n3:10", "udp://n3:11", "n3"};
  REQUIRE(sim.node(3).update_local(sim.now_ms(), ep, {{"zone", "z1"}}).ok());
  CHECK(sim.node(3).self().incarnation == 1);
  bool spread = sim.run_until(
      [&] {
        for (std::size_t i = 0; i < sim.size(); ++i) {
          auto m = sim.node(i).find("n3");
          if (!m || m->endpoints.pub != "tcp://n3:9" || m->tags.count("zone") == 0) {
            return false;
          }
        }
        return true;
      },
      5'000);
  CHECK(spread);
  std::map<std::string, std::string> huge;
  for (int i = 0; i < 30; ++i) huge["k" + std::to_string(i)] = std::string(60, 'v');
  auto status = sim.node(3).update_local(sim.now_ms(), ep, huge);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code() == vsm::ErrorCode::kTooLarge);
}

TEST_CASE("a suspected member refutes with a higher incarnation", "[gossip][membership]") {
  Simulator sim = make_cluster(5, 7);
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  // Inject a false suspicion of n2 at n0; n2 hears it via gossip and refutes.
  std::string d = encode_datagram({encode_message(Suspect{"n2", 0, "n4"})}, nullptr);
  sim.node(0).receive(sim.now_ms(), "n4", d);
  CHECK(sim.node(0).find("n2")->state == MemberState::kSuspect);
  REQUIRE(sim.run_until([&] { return sim.observers_seeing("n2", MemberState::kAlive) == 4 &&
                                     sim.node(0).find("n2")->incarnation >= 1; },
                        5'000));
  CHECK(sim.node(2).self().incarnation >= 1);
  CHECK(sim.node(2).stats().refutations >= 1);
  CHECK(sim.node(0).stats().flaps.at("n2") == 1);
}

TEST_CASE("graceful leave is seen as left, not dead", "[gossip][membership]") {
  Simulator sim = make_cluster(5, 9);
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  sim.leave(4);
  REQUIRE(sim.run_until([&] { return sim.observers_seeing("n4", MemberState::kLeft) == 4; }, 3'000));
  sim.crash(4);
  sim.run_for(5'000);
  CHECK(sim.observers_seeing("n4", MemberState::kLeft) == 4);
  CHECK(sim.observers_seeing("n4", MemberState::kDead) == 0);
}

TEST_CASE("a restarted member rejoins with a higher incarnation", "[gossip][membership]") {
  Simulator sim = make_cluster(5, 11);
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  sim.crash(3);
  REQUIRE(sim.run_until([&] { return sim.observers_seeing("n3", MemberState::kDead) == 4; }, 10'000));
  std::uint64_t dead_inc = sim.node(0).find("n3")->incarnation;
  sim.restart(3, {1});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 10'000));
  CHECK(sim.node(0).find("n3")->incarnation > dead_inc);
  CHECK(sim.node(3).self().incarnation > dead_inc);
}

TEST_CASE("garbage datagrams are counted and dropped", "[gossip][membership]") {
  Member self;
  self.name = "a";
  self.endpoints.gossip = "a";
  Membership m({}, self, 1);
  m.join(0, {});
  m.receive(1, "x", "");
  m.receive(1, "x", "VG");
  m.receive(1, "x", std::string("XX\x02\x00\x91", 5));
  m.receive(1, "x", std::string("VG\x02\x00\x91\x91\x63", 7));
  m.receive(1, "x", std::string(2000, 'V'));
  GossipStats s = m.stats();
  CHECK(s.datagrams_received == 5);
  CHECK(s.dropped_total() == 5);
  CHECK(s.dropped_for(DropReason::kTruncated) == 2);
  CHECK(s.dropped_for(DropReason::kBadMagic) == 1);
  CHECK(s.dropped_for(DropReason::kUnknownType) == 1);
  CHECK(s.dropped_for(DropReason::kOversized) == 1);
  CHECK(m.members().size() == 1);
}

TEST_CASE("sealed clusters work and reject foreign keys", "[gossip][membership][crypto]") {
  MembershipConfig cfg;
  cfg.keyring = std::make_shared<Keyring>(Keyring::generate_key(1));
  Simulator sim = make_cluster(4, 13, cfg);
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  MembershipConfig other;
  other.keyring = std::make_shared<Keyring>(Keyring::generate_key(2));
  std::size_t intruder = sim.add_node("intruder", vsm::Role::kS1, other);
  sim.join(intruder, {0});
  sim.run_for(2'000);
  CHECK_FALSE(sim.node(0).find("intruder").has_value());
  CHECK(sim.node(0).stats().dropped_for(DropReason::kUnknownKey) > 0);
  CHECK(sim.node(intruder).live_count() == 1);
}

TEST_CASE("datagrams never exceed the size limit", "[gossip][membership]") {
  MembershipConfig cfg;
  cfg.keyring = std::make_shared<Keyring>(Keyring::generate_key(1));
  Simulator sim({.seed = 17});
  for (int i = 0; i < 60; ++i) {
    sim.add_node("member-with-a-rather-long-name-" + std::to_string(i), vsm::Role::kS2, cfg);
  }
  for (std::size_t i = 0; i < sim.size(); ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 20'000));
  for (std::size_t i = 0; i < sim.size(); ++i) CHECK(sim.node(i).stats().dropped_total() == 0);
  CHECK(sim.stats().max_datagram_bytes <= format::kMaxDatagramBytes);
  CHECK(sim.stats().max_datagram_bytes > 1000);  // piggybacked records do fill datagrams
}
