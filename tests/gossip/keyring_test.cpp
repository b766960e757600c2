// Key rotation with a grace period, on an injected clock: the keyring alone, the decoder's
// drop reasons, and a sealed simulated cluster rotating node by node.
#include <catch2/catch.hpp>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/keyring.hpp"
#include "vsm/gossip/simulator.hpp"

using namespace vsm::gossip;

namespace {

std::string sealed_ping(const Keyring& ring) {
  return encode_datagram({encode_message(Ping{1, "b", "a"})}, &ring);
}

DropReason drop_reason(const std::string& d, const Keyring& ring, std::uint64_t now) {
  DropReason reason{};
  auto r = decode_datagram(d, &ring, now, reason);
  REQUIRE_FALSE(r.ok());
  return reason;
}

bool opens(const std::string& d, const Keyring& ring, std::uint64_t now) {
  DropReason reason{};
  return decode_datagram(d, &ring, now, reason).ok();
}

}  // namespace

TEST_CASE("a rotated keyring seals with the new key and opens the old one for the grace",
          "[gossip][keyring][crypto]") {
  const Key k1 = Keyring::generate_key(1);
  const Key k2 = Keyring::generate_key(2);
  Keyring before(k1, {k2});
  auto rotated = before.rotated(k2, 1'000, 500);
  REQUIRE(rotated.ok());
  const Keyring& after = rotated.value();
  CHECK(after.primary().id == 2);
  CHECK(Keyring::sealed_key_id(sealed_ping(after)) == 2u);
  CHECK(after.next_expiry_ms() == 1'500u);
  const std::string old_sealed = sealed_ping(before);
  CHECK(after.key_status(1, 1'499) == KeyStatus::kUsable);
  CHECK(opens(old_sealed, after, 1'499));
  CHECK(after.key_status(1, 1'500) == KeyStatus::kExpired);
  CHECK(drop_reason(old_sealed, after, 1'500) == DropReason::kKeyExpired);
  CHECK(opens(sealed_ping(after), before, 1'000));  // k2 was accepted before the rotation

  // Pruning drops the key material; the id is still reported as expired.
  Keyring pruned = after.pruned(2'000);
  CHECK_FALSE(pruned.next_expiry_ms().has_value());
  CHECK(pruned.key_status(1, 2'000) == KeyStatus::kExpired);
  CHECK(drop_reason(old_sealed, pruned, 2'000) == DropReason::kKeyExpired);
  CHECK(drop_reason(sealed_ping(Keyring(Keyring::generate_key(9))), pruned, 2'000) ==
        DropReason::kUnknownKey);
  CHECK(pruned.key_status(9, 2'000) == KeyStatus::kUnknown);
}

TEST_CASE("rotation rules: no-op, conflicts, chains, bounded memory", "[gossip][keyring][crypto]") {
  const Key k1 = Keyring::generate_key(1);
  Keyring ring(k1);
  auto same = ring.rotated(k1, 10, 100);
  REQUIRE(same.ok());
  CHECK_FALSE(same->next_expiry_ms().has_value());  // rotating to the primary: nothing retires

  Key clash = Keyring::generate_key(1);  // same id, other bytes
  auto bad = ring.rotated(clash, 10, 100);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == vsm::ErrorCode::kInvalid);
  Keyring with_accepted(k1, {Keyring::generate_key(5)});
  CHECK_FALSE(with_accepted.rotated(Keyring::generate_key(5), 10, 100).ok());
  Keyring retiring = ring.rotated(Keyring::generate_key(2), 10, 100).value();
  CHECK_FALSE(retiring.rotated(Keyring::generate_key(1), 20, 100).ok());  // 1 still retiring
  CHECK(retiring.rotated(k1, 20, 100).ok());                               // the same key back

  // A chain of rotations: each previous key retires on its own deadline, and only the
  // last kExpiredIdsKept expired ids are remembered.
  Keyring chain(k1);
  for (std::uint32_t id = 2; id < 40; ++id) {
    chain = chain.rotated(Keyring::generate_key(id), id * 100, 150).value();
  }
  CHECK(chain.primary().id == 39);
  CHECK(chain.key_status(38, 3'900) == KeyStatus::kUsable);   // retires at 4,050
  CHECK(chain.key_status(37, 3'900) == KeyStatus::kUsable);   // retires at 3,950
  CHECK(chain.key_status(37, 3'950) == KeyStatus::kExpired);
  CHECK(chain.key_status(36, 3'900) == KeyStatus::kExpired);  // dropped at the last rotation
  CHECK(chain.key_status(21, 3'900) == KeyStatus::kExpired);  // 16 expired ids: 21..36
  CHECK(chain.key_status(20, 3'900) == KeyStatus::kUnknown);
  CHECK(chain.key_status(1, 3'900) == KeyStatus::kUnknown);
}

TEST_CASE("a sealed cluster rotates node by node without losing a datagram",
          "[gossip][keyring][crypto]") {
  const Key k1 = Keyring::generate_key(1);
  const Key k2 = Keyring::generate_key(2);
  MembershipConfig cfg;
  cfg.keyring = std::make_shared<Keyring>(k1, std::vector<Key>{k2});  // step 1: k2 accepted
  cfg.key_grace_ms = 3'000;
  Simulator sim({.seed = 41});
  for (int i = 0; i < 5; ++i) sim.add_node("n" + std::to_string(i), vsm::Role::kS1, cfg);
  for (std::size_t i = 0; i < 5; ++i) sim.join(i, {0});
  REQUIRE(sim.run_until([&] { return sim.converged(); }, 5'000));
  // Step 2: rotate each node in turn; the others still seal with k1 meanwhile.
  for (std::size_t i = 0; i < 5; ++i) {
    REQUIRE(sim.node(i).rotate_key(sim.now_ms(), k2).ok());
    sim.run_for(400);
    CHECK(sim.converged());
  }
  sim.run_for(5'000);  // grace over: k1 is dropped everywhere
  CHECK(sim.converged());
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(sim.node(i).stats().dropped_total() == 0);
    CHECK(sim.node(i).keyring()->primary().id == 2);
    CHECK(sim.node(i).keyring()->key_status(1, sim.now_ms()) == KeyStatus::kExpired);
  }
  // A node still on the old key cannot get back in: its datagrams count as key_expired.
  MembershipConfig stale;
  stale.keyring = std::make_shared<Keyring>(k1);
  std::size_t late = sim.add_node("late", vsm::Role::kS1, stale);
  sim.join(late, {0});
  sim.run_for(2'000);
  CHECK_FALSE(sim.node(0).find("late").has_value());
  CHECK(sim.node(0).stats().dropped_for(DropReason::kKeyExpired) > 0);
  CHECK(sim.node(late).live_count() == 1);

  Membership plain({}, Member{"p", 0, MemberState::kAlive, vsm::Role::kS1, {}, {}, 0}, 1);
  auto no_ring = plain.rotate_key(0, k2);
  REQUIRE_FALSE(no_ring.ok());
  CHECK(no_ring.error().code() == vsm::ErrorCode::kInvalid);
}
