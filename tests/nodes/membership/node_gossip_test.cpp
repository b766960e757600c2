#include <catch2/catch.hpp>

#include <memory>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

namespace {
vsm::NodeConfig gossip_config(std::string name, vsm::Role role, std::vector<std::string> seeds) {
  auto c = node_config(std::move(name), role);
  c.gossip_bind = "127.0.0.1:0";
  c.seeds = std::move(seeds);
  c.validate_flow = false;
  return c;
}
}  // namespace

TEST_CASE("nodes find each other by gossip and wire the data plane", "[node][gossip]") {
  vsm::Node s5(gossip_config("s5.policy", vsm::Role::kS5, {}));
  REQUIRE(s5.start().ok());
  const std::string seed = s5.gossip_address();
  REQUIRE_FALSE(seed.empty());
  vsm::Node s3(gossip_config("s3.control", vsm::Role::kS3, {seed}));
  vsm::Node s1(gossip_config("s1.ops", vsm::Role::kS1, {seed}));
  REQUIRE(s3.start().ok());
  REQUIRE(s1.start().ok());

  auto at_s5 = s5.subscribe(vsm::Filter::on(vsm::Channel::kCoordination)).value();
  auto at_s3 = s3.subscribe(vsm::Filter::on(vsm::Channel::kCoordination)).value();
  auto all_alive = [](const vsm::Node& n) {
    auto m = n.members();
    return m.size() == 3 && std::all_of(m.begin(), m.end(), [](const auto& x) {
             return x.state == vsm::gossip::MemberState::kAlive && !x.endpoints.pub.empty();
           });
  };
  REQUIRE(vsm::test::wait_until([&] { return all_alive(s5) && all_alive(s3) && all_alive(s1); }, 20s));
  // Gossip statistics (NodeStats::gossip): three alive members, probes, push-pull, bytes.
  CHECK(vsm::test::wait_until([&] {
    const auto g = s5.stats().gossip;
    return g.members_alive == 3 && g.probes_sent > 0 && g.push_pulls > 0 && g.bytes_sent > 0 &&
           g.bytes_received > 0;
  }, 20s));
  CHECK(s5.stats().gossip.enabled);
  // S5 and S3 present, quorum of 3: the fabric is healthy everywhere.
  CHECK(vsm::test::wait_until([&] {
    return s1.partition_state() == vsm::gossip::PartitionState::kHealthy &&
           s5.partition_state() == vsm::gossip::PartitionState::kHealthy;
  }, 20s));
  // No static peers anywhere: s1's publisher is reached through gossip.
  REQUIRE(s1.wait_for_subscribers(2, 20s));
  REQUIRE(s1.publish(make_event(vsm::Channel::kCoordination, "status", 7)).ok());
  auto a = at_s5.next(10s);
  auto b = at_s3.next(10s);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->source == "s1.ops");
  CHECK(vsm::unpack_value<int>(b->payload).value() == 7);

  // A member that leaves is removed from the others' wiring and tables.
  s3.stop();
  CHECK(vsm::test::wait_until([&] {
    for (const auto& m : s5.members()) {
      if (m.name == "s3.control") return m.state == vsm::gossip::MemberState::kLeft;
    }
    return true;
  }, 20s));
  CHECK(vsm::test::wait_until([&] { return s1.wait_for_subscribers(1, 0ms) && s1.stats().subscribers == 1; }, 20s));
}

// A publisher that leaves announces it by gossip at once, while its last events may not
// have been read yet: the subscriber keeps the connection for departed_publisher_grace_ms
// (a disconnect drops what the socket holds unread), so the whole burst arrives.
TEST_CASE("events a publisher sent just before leaving still arrive", "[node][gossip]") {
  vsm::Node s5(gossip_config("s5.policy", vsm::Role::kS5, {}));
  REQUIRE(s5.start().ok());
  auto s1 = std::make_unique<vsm::Node>(gossip_config("s1.ops", vsm::Role::kS1, {s5.gossip_address()}));
  REQUIRE(s1->start().ok());
  auto sub = s5.subscribe(vsm::Filter::on(vsm::Channel::kCoordination)).value();
  REQUIRE(s1->wait_for_subscribers(1, 20s));
  // Big enough that much of it is still queued or in flight when the leave goes out.
  constexpr int kBurst = 20'000;
  const auto pad = vsm::pack_value(std::string(4096, 'x'));
  int refused = 0;
  for (int i = 0; i < kBurst; ++i) {
    auto e = make_event(vsm::Channel::kCoordination, "burst", i);
    e.metadata["pad"] = pad;
    if (!s1->publish(std::move(e)).ok()) ++refused;
  }
  REQUIRE(refused == 0);
  s1->stop();  // flushes, then leaves the gossip group
  CHECK(vsm::test::wait_until([&] {
    for (const auto& m : s5.members()) {
      if (m.name == "s1.ops") return m.state == vsm::gossip::MemberState::kLeft;
    }
    return false;
  }, 20s));
  int received = 0, out_of_order = 0;
  for (int expected = 0; expected < kBurst; ++expected) {
    auto e = sub.next(10s);
    if (!e) break;
    if (vsm::unpack_value<int>(e->payload).value() != expected) ++out_of_order;
    ++received;
  }
  CHECK(received == kBurst);
  CHECK(out_of_order == 0);
  // After the grace the departed publisher is disconnected.
  CHECK(vsm::test::wait_until([&] { return s5.stats().connected_publishers == 0; }, 20s));
}

TEST_CASE("a node without gossip reports no gossip statistics", "[node][gossip]") {
  vsm::Node n(node_config("s1.alone", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  const auto g = n.stats().gossip;
  CHECK_FALSE(g.enabled);
  CHECK(g.members_alive == 0);
  CHECK(g.probes_sent == 0);
}
