// Bounded state against hostile peers, through the sans-I/O core: 100,000 forged member
// names never grow any per-member structure past max_members; a full table evicts dead
// records and reaps them; unkeyed nodes drop datagrams, streams and records from outside
// the allowed networks.
#include <catch2/catch.hpp>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/membership.hpp"

using namespace vsm::gossip;

namespace {

Member self_at(const std::string& gossip) {
  Member m;
  m.name = "target";
  m.endpoints.gossip = gossip;
  m.endpoints.pub = "tcp://" + std::string(gossip.substr(0, gossip.rfind(':'))) + ":5000";
  return m;
}

Member forged(std::size_t i, const std::string& net = "10.0.0.") {
  Member m;
  m.name = "forged-" + std::to_string(i);
  m.incarnation = i % 7;
  m.endpoints.gossip = net + std::to_string(2 + i % 250) + ":" + std::to_string(1024 + i % 60000);
  m.endpoints.pub = "tcp://" + net + std::to_string(2 + i % 250) + ":6000";
  return m;
}

std::string datagram(const std::vector<Message>& messages) {
  std::vector<std::string> encoded;
  for (const auto& m : messages) encoded.push_back(encode_message(m));
  return encode_datagram(encoded, nullptr);
}

void check_bounded(const Membership& m, std::size_t cap) {
  const MembershipFootprint f = m.footprint();
  REQUIRE(f.members <= cap);
  REQUIRE(f.suspicions <= cap);
  REQUIRE(f.buddy_pings <= cap);
  REQUIRE(f.relays <= cap);
  REQUIRE(f.reach_reports <= cap);
  REQUIRE(f.reach_names <= cap * cap);
  REQUIRE(f.flaps <= cap);
  REQUIRE(f.recent_dead <= cap);
  REQUIRE(f.pool_records <= cap);
  REQUIRE(f.pending_streams <= 64);
  // Queued updates: one per member plus bounded reachability chunks per member.
  REQUIRE(f.broadcasts <= cap + cap * (cap * 32 / 1300 + 1));
  REQUIRE(f.table_bytes <= 4096 + cap * 64);
}

}  // namespace

TEST_CASE("100,000 forged member names keep every structure within max_members",
          "[gossip][bounded]") {
  MembershipConfig cfg;  // the documented default cap
  const std::size_t cap = cfg.max_members;
  cfg.dead_reclaim_ms = 2'000;
  Membership m(cfg, self_at("10.0.0.1:7946"), 1);
  m.join(0, {});
  std::uint64_t now = 1;
  for (std::size_t i = 0; i < 100'000; i += 20) {
    std::vector<Message> batch;
    for (std::size_t k = i; k < i + 20; ++k) {
      batch.push_back(Alive{forged(k)});
      // Accusations, leaves, reachability reports and relay requests about them too.
      if (k % 3 == 0) batch.push_back(Suspect{"forged-" + std::to_string(k - 1), 9, "x"});
      if (k % 5 == 0) batch.push_back(Dead{"forged-" + std::to_string(k - 2), 9, "x"});
      if (k % 11 == 0) batch.push_back(Leave{"forged-" + std::to_string(k - 3), 9});
      if (k % 13 == 0) {
        batch.push_back(Reach{"forged-" + std::to_string(k - 4), k, 0, 2,
                              {"forged-" + std::to_string(k - 5), "target"}});
      }
      if (k % 17 == 0) batch.push_back(PingReq{k, "forged-1", forged(1).endpoints.gossip, "x"});
    }
    m.receive(now, "10.0.0.9:7946", datagram(batch));
    if (i % 1'000 == 0) {
      now += 200;
      m.tick(now);
      (void)m.take_datagrams();
      (void)m.take_stream_requests();
      (void)m.take_events();
      check_bounded(m, cap);
    }
  }
  check_bounded(m, cap);
  const GossipStats s = m.stats();
  CHECK(s.members_refused > 0);
  CHECK(s.dropped_total() == 0);  // all well-formed and from an allowed address
  CHECK(m.members().size() <= cap);
  // Time heals: forged members die unanswered and are reaped.
  for (int i = 0; i < 600; ++i) {
    now += 100;
    m.tick(now);
    (void)m.take_datagrams();
    (void)m.take_stream_requests();
    (void)m.take_events();
  }
  check_bounded(m, cap);
  CHECK(m.stats().members_reaped + m.stats().members_evicted > 0);
}

TEST_CASE("a full table evicts the oldest dead record, then refuses", "[gossip][bounded]") {
  MembershipConfig cfg;
  cfg.max_members = 8;
  cfg.dead_reclaim_ms = 10'000;
  Membership m(cfg, self_at("10.0.0.1:7946"), 1);
  m.join(0, {});
  for (std::size_t i = 0; i < 7; ++i) m.receive(1, "10.0.0.9:1", datagram({Alive{forged(i)}}));
  REQUIRE(m.members().size() == 8);
  m.receive(2, "10.0.0.9:1", datagram({Dead{"forged-3", 3, "x"}}));
  m.receive(3, "10.0.0.9:1", datagram({Leave{"forged-5", 5}}));
  m.receive(4, "10.0.0.9:1", datagram({Alive{forged(100)}}));  // evicts forged-3 (older)
  CHECK(m.stats().members_evicted == 1);
  CHECK_FALSE(m.find("forged-3").has_value());
  CHECK(m.state_of("forged-5") == MemberState::kLeft);
  m.receive(5, "10.0.0.9:1", datagram({Alive{forged(101)}}));  // evicts forged-5
  m.receive(6, "10.0.0.9:1", datagram({Alive{forged(102)}}));  // nothing left to evict
  CHECK(m.stats().members_evicted == 2);
  CHECK(m.stats().members_refused == 1);
  CHECK_FALSE(m.find("forged-102").has_value());
  CHECK(m.members().size() == 8);

  // Dead and left records are reaped after dead_reclaim_ms, and counted.
  m.receive(7, "10.0.0.9:1", datagram({Dead{"forged-0", 0, "x"}, Leave{"forged-1", 1}}));
  m.tick(8);
  m.tick(7 + cfg.dead_reclaim_ms + 1'000);
  CHECK(m.stats().members_reaped == 2);
  CHECK_FALSE(m.find("forged-0").has_value());
  CHECK_FALSE(m.find("forged-1").has_value());
}

TEST_CASE("unkeyed nodes accept only the networks of their address and seeds",
          "[gossip][bounded][filter]") {
  Membership m({}, self_at("10.0.0.1:7946"), 1);
  m.join(0, {"10.0.1.5:7946"});  // allowed: 10.0.0.0/24 and 10.0.1.0/24
  (void)m.take_stream_requests();
  SECTION("datagrams from outside are dropped before decoding") {
    m.receive(1, "192.0.2.1:7946", datagram({Alive{forged(1)}}));
    CHECK(m.stats().dropped_for(DropReason::kNotAllowed) == 1);
    CHECK_FALSE(m.find("forged-1").has_value());
    m.receive(1, "10.0.1.77:7946", datagram({Alive{forged(2, "10.0.1.")}}));
    CHECK(m.find("forged-2").has_value());
  }
  SECTION("records naming outside addresses are dropped and counted") {
    Member far = forged(3, "192.0.2.");
    Member pub_out = forged(4);
    pub_out.endpoints.pub = "tcp://203.0.113.5:6000";
    m.receive(1, "10.0.0.9:7946", datagram({Alive{far}, Alive{pub_out}, Alive{forged(5)}}));
    CHECK(m.stats().records_not_allowed == 2);
    CHECK_FALSE(m.find("forged-3").has_value());
    CHECK_FALSE(m.find("forged-4").has_value());
    CHECK(m.find("forged-5").has_value());
  }
  SECTION("ping-req never reflects towards an outside address") {
    m.receive(1, "10.0.0.9:7946", datagram({PingReq{1, "victim", "198.51.100.7:53", "x"}}));
    CHECK(m.stats().relays_refused == 1);
    for (const auto& d : m.take_datagrams()) CHECK(d.address != "198.51.100.7:53");
  }
  SECTION("push-pull connections from outside get no answer") {
    std::string frame = encode_stream_frame(PushPull{1, 0, 0, 1, {forged(6)}}, nullptr);
    CHECK_FALSE(m.handle_stream(1, "192.0.2.1:40000", frame).has_value());
    CHECK(m.stats().dropped_for(DropReason::kNotAllowed) == 1);
    CHECK(m.handle_stream(1, "10.0.0.9:40000", frame).has_value());
    CHECK(m.find("forged-6").has_value());
  }
}

TEST_CASE("allowed_networks: explicit lists, keyed nodes, validation", "[gossip][bounded][filter]") {
  MembershipConfig keyed;
  keyed.keyring = std::make_shared<Keyring>(Keyring::generate_key(1));
  Membership k(keyed, self_at("10.0.0.1:7946"), 1);
  k.join(0, {});
  CHECK_FALSE(k.network_filter().enabled());  // authenticity comes from the key

  keyed.allowed_networks = {"10.0.0.0/8", "fd00::/8"};
  Membership both(keyed, self_at("10.0.0.1:7946"), 1);
  both.join(0, {});
  CHECK(both.network_filter().enabled());
  CHECK(both.network_filter().allows_address("10.9.9.9:1"));
  CHECK(both.network_filter().allows_address("[fd00::1]:1"));
  CHECK_FALSE(both.network_filter().allows_address("192.0.2.1:1"));

  MembershipConfig bad;
  bad.allowed_networks = {"10.0.0.0/8", "10.0.0.0/40"};
  auto status = Membership::validate(bad);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code() == vsm::ErrorCode::kInvalid);
  Membership closed(bad, self_at("10.0.0.1:7946"), 1);  // built anyway: fails closed
  closed.receive(1, "10.0.0.9:1", datagram({Alive{forged(1)}}));
  CHECK(closed.stats().dropped_for(DropReason::kNotAllowed) == 1);

  MembershipConfig tiny;
  tiny.max_members = 1;
  CHECK_FALSE(Membership::validate(tiny).ok());
  CHECK(Membership::validate({}).ok());
}
