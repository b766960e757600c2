// Variety engineering through real nodes on loopback (docs/VARIETY.md): compression
// before the wire, resource_bargain rate limits from an S3, degraded mode on a lone
// gossip node, and fault injection on the data plane set through the control op.
#include <catch2/catch.hpp>

#include <map>

#include "node_fixture.hpp"
#include "payload_helpers.hpp"
#include "vsm/control_client.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::Channel;
using vsm::test::make_event;
using vsm::test::node_config;
using vsm::test::wait_until;

namespace {

vsm::Event reading(const std::string& sensor, double temp) {
  vsm::Event e;
  e.channel = Channel::kCoordination;
  e.type = "temp";
  e.payload = vsm::test::map_payload(
      {{"sensor", vsm::Value::string(sensor)}, {"temp", vsm::pack_value(temp)}});
  return e;
}

vsm::Event rate_limit(const std::string& source, double rate) {
  vsm::Event e;
  e.channel = Channel::kResourceBargain;
  e.type = std::string(vsm::kRateLimitType);
  e.target = "s1.pump";
  e.payload = vsm::test::map_payload(
      {{"source", vsm::Value::string(source)}, {"rate_per_s", vsm::pack_value(rate)}});
  return e;
}

}  // namespace

TEST_CASE("1,000 similar events reach a subscriber as one summary", "[node][variety]") {
  auto pc = node_config("s1.pump", vsm::Role::kS1);
  vsm::CompressionRule rule;
  rule.channel = Channel::kCoordination;
  rule.type = "temp";
  rule.keys = {"sensor"};
  rule.window_ms = 600'000;  // closed by max_events, deterministically
  rule.max_events = 1000;
  pc.compression.rules.push_back(rule);
  vsm::test::PubSubPair p(pc, node_config("s2.sched", vsm::Role::kS2));
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCoordination));
  for (int i = 0; i < 1000; ++i) {
    auto r = p.pub.publish(reading("t1", 20.0 + i % 5));
    REQUIRE(r.ok());
    CHECK(r->compressed);
  }
  auto other = p.pub.publish(make_event(Channel::kCoordination, "status", 1));
  REQUIRE(other.ok());
  CHECK_FALSE(other->compressed);  // no rule for this type
  auto s = sub.next(10s);
  REQUIRE(s.has_value());
  CHECK(s->type == "temp~summary");
  CHECK(s->metadata.count(std::string(vsm::kSummaryMetadataKey)) == 1);
  CHECK(vsm::unpack_value<std::uint64_t>(vsm::test::map_field(s->payload, "count")).value() ==
        1000);
  auto plain = sub.next(10s);
  REQUIRE(plain.has_value());
  CHECK(plain->type == "status");
  const auto v = p.pub.stats().variety;
  CHECK(v.compressed_events == 1000);
  CHECK(v.summaries_sent == 1);
  CHECK(v.compression_ratio == 1000.0);
  CHECK(p.pub.stats().of(Channel::kCoordination).published == 2);
}

TEST_CASE("compression on the algedonic channel is refused at start", "[node][variety]") {
  auto cfg = node_config("s1.x", vsm::Role::kS1);
  cfg.compression.rules.push_back(vsm::CompressionRule{Channel::kAlgedonic, "", {}, 100, 0});
  vsm::Node n(cfg);
  auto st = n.start();
  REQUIRE_FALSE(st);
  CHECK(st.error().code() == vsm::ErrorCode::kInvalid);
}

TEST_CASE("an S3 sets an S1 source's rate with a resource_bargain rate limit",
          "[node][variety]") {
  vsm::Node s3(node_config("s3.ops", vsm::Role::kS3));
  REQUIRE(s3.start().ok());
  auto cfg = node_config("s1.pump", vsm::Role::kS1);
  cfg.quotas_enabled = true;
  cfg.peers = s3.endpoints();
  vsm::Node s1(cfg);
  REQUIRE(s1.start().ok());
  // Only an S3 may publish one.
  CHECK(s1.publish(rate_limit("s1.pump", 1)).error().code() == vsm::ErrorCode::kBlocked);
  // The S1 subscribes to it by itself; publish until the subscription has arrived.
  bool applied = false;
  for (int i = 0; i < 100 && !applied; ++i) {
    REQUIRE(s3.publish(rate_limit("s1.pump", 2)).ok());
    applied = wait_until([&] { return s1.stats().variety.bargains_applied > 0; }, 200ms);
  }
  REQUIRE(applied);
  int admitted = 0;
  vsm::Error last = vsm::Error::invalid("none");
  for (int i = 0; i < 10; ++i) {
    auto r = s1.publish(make_event(Channel::kCoordination, "flow", i));
    if (r) {
      ++admitted;
    } else {
      last = r.error();
    }
  }
  CHECK(admitted < 10);  // a burst of 2/s x 1 s, plus what refilled meanwhile
  CHECK(last.code() == vsm::ErrorCode::kQuotaExceeded);
}

TEST_CASE("a lone S4 with gossip is degraded: commands refused, events marked",
          "[node][variety][degraded]") {
  auto cfg = node_config("s4.plan", vsm::Role::kS4);
  cfg.gossip_bind = "127.0.0.1:0";
  cfg.partition.join_grace_ms = 0;  // alone, never seen an S5: degraded at once
  cfg.flow_rules.push_back(*vsm::parse_flow_rule("audit:S4->*"));  // custom flow rule
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  vsm::Error refused = vsm::Error::invalid("none");
  REQUIRE(wait_until([&] {
    auto e = make_event(Channel::kCommand, "order", 1);
    e.target = "S3";
    auto r = n.publish(std::move(e));
    if (!r) refused = r.error();
    return !r && r.error().code() == vsm::ErrorCode::kDegraded;
  }));
  CHECK(refused.message().find("degraded") != std::string::npos);
  auto r = n.publish(make_event(Channel::kAudit, "note", 1));
  REQUIRE(r.ok());  // built-in rules alone would block audit from an S4
  const auto v = n.stats().variety;
  CHECK(v.degraded_refused >= 1);
  CHECK(v.degraded_marked >= 1);
}

TEST_CASE("fault injection drops and delays events on the data plane", "[node][variety][chaos]") {
  auto sc = node_config("s1.ops", vsm::Role::kS1);
  sc.chaos.enabled = true;
  vsm::test::PubSubPair p(node_config("s3.control", vsm::Role::kS3), sc);
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand));
  vsm::ControlClient control(p.sub.control_endpoint(), 5s);
  auto reply = control.chaos({{"action", "drop"}, {"plane", "data"}, {"peer", "s3.control"},
                              {"channel", "command"}, {"count", "3"}});
  REQUIRE(reply.ok());
  for (int i = 0; i < 10; ++i) REQUIRE(p.pub.publish(make_event(Channel::kCommand, "w", i)).ok());
  std::vector<int> got;
  while (auto e = sub.next(2s)) got.push_back(vsm::unpack_value<int>(e->payload).value());
  CHECK(got == std::vector<int>{3, 4, 5, 6, 7, 8, 9});
  REQUIRE(control.chaos({{"action", "delay"}, {"delay_ms", "100"}, {"plane", "data"},
                         {"count", "2"}}).ok());
  for (int i = 10; i < 13; ++i) REQUIRE(p.pub.publish(make_event(Channel::kCommand, "w", i)).ok());
  got.clear();
  while (got.size() < 3) {
    auto e = sub.next(10s);
    REQUIRE(e.has_value());
    got.push_back(vsm::unpack_value<int>(e->payload).value());
  }
  CHECK(std::is_permutation(got.begin(), got.end(), std::vector<int>{10, 11, 12}.begin()));
  const auto v = p.sub.stats().variety;
  CHECK(v.chaos[0].dropped == 3);
  CHECK(v.chaos[0].delayed == 2);
  // Off in the config: refused with a clear error.
  vsm::ControlClient pub_control(p.pub.control_endpoint(), 5s);
  auto off = pub_control.chaos({{"action", "drop"}});
  REQUIRE_FALSE(off.ok());
  CHECK(off.error().message().find("[chaos] enabled = true") != std::string::npos);
}

TEST_CASE("a degraded S1 drops commands from outside its side's S3/S5", "[node][variety][degraded]") {
  // s4.plan counts itself viable (static quorum without role rules); s1.ops, under
  // vsm_health, sees no S5 and no S3 on its side: degraded.
  auto pc = node_config("s4.plan", vsm::Role::kS4);
  pc.gossip_bind = "127.0.0.1:0";
  pc.partition.strategy = vsm::gossip::PartitionStrategy::kStaticQuorum;
  pc.partition.require_s5 = pc.partition.require_s3 = false;
  vsm::Node s4(pc);
  REQUIRE(s4.start().ok());
  auto sc = node_config("s1.ops", vsm::Role::kS1);
  sc.gossip_bind = "127.0.0.1:0";
  sc.seeds = {s4.gossip_address()};
  sc.peers = s4.endpoints();
  sc.partition.strategy = vsm::gossip::PartitionStrategy::kVsmHealth;
  sc.partition.join_grace_ms = 0;  // no S5/S3 ever seen: degraded at once
  vsm::Node s1(sc);
  REQUIRE(s1.start().ok());
  auto sub = s1.subscribe(vsm::Filter::on(Channel::kCommand));
  REQUIRE(sub.ok());
  REQUIRE(s4.wait_for_subscribers(1, 10s));
  REQUIRE(wait_until([&] {
    return s1.partition_state() == vsm::gossip::PartitionState::kDegraded &&
           s4.partition_state() == vsm::gossip::PartitionState::kHealthy &&
           s1.members().size() == 2;
  }));
  REQUIRE(wait_until([&] {
    auto e = make_event(Channel::kCommand, "order", 1);
    REQUIRE(s4.publish(std::move(e)).ok());
    return s1.stats().variety.degraded_dropped > 0;
  }));
  CHECK_FALSE(sub->next(50ms).has_value());
  CHECK(s1.stats().of(Channel::kCommand).received >= 1);
}

TEST_CASE("after a heal a BestEffort subscriber gets what the degraded side published, once",
          "[node][variety][degraded][reconcile]") {
  // s5 and s3 (a BestEffort subscriber) on one side, s1 alone on the other (named
  // partitions on both sides, fault injection); under vsm_health s1 is degraded.
  auto cfg = [](const std::string& name, vsm::Role role, const std::string& seed) {
    auto c = node_config(name, role);
    c.gossip_bind = "127.0.0.1:0";
    if (!seed.empty()) c.seeds = {seed};
    c.chaos.enabled = true;
    c.validate_flow = false;
    c.partition.strategy = vsm::gossip::PartitionStrategy::kVsmHealth;
    return c;
  };
  vsm::Node s5(cfg("s5.pol", vsm::Role::kS5, ""));
  REQUIRE(s5.start().ok());
  vsm::Node s3(cfg("s3.ops", vsm::Role::kS3, s5.gossip_address()));
  vsm::Node s1(cfg("s1.pub", vsm::Role::kS1, s5.gossip_address()));
  REQUIRE(s3.start().ok());
  REQUIRE(s1.start().ok());
  auto sub = s3.subscribe(vsm::Filter::on(Channel::kCoordination));
  REQUIRE(sub.ok());
  REQUIRE(wait_until([&] {
    return s1.members().size() == 3 && s3.members().size() == 3 &&
           s1.partition_state() == vsm::gossip::PartitionState::kHealthy;
  }, 20s));
  REQUIRE(s1.wait_for_subscribers(1, 20s));  // s3's subscription
  REQUIRE(s1.publish(make_event(Channel::kCoordination, "r", 0)).ok());
  REQUIRE(sub->next(10s).has_value());  // the stream is known

  auto chaos = [](vsm::Node& n, std::map<std::string, std::string> args) {
    vsm::ControlClient c(n.control_endpoint(), 5s);
    REQUIRE(c.chaos(args).ok());
  };
  chaos(s1, {{"do", "partition"}, {"members", "s5.pol,s3.ops"}, {"for_ms", "60000"}});
  chaos(s3, {{"do", "partition"}, {"members", "s1.pub"}, {"for_ms", "60000"}});
  chaos(s5, {{"do", "partition"}, {"members", "s1.pub"}, {"for_ms", "60000"}});
  // Degraded mode follows the gossip view: a command from this S1 is refused once it acts.
  REQUIRE(wait_until([&] {
    auto r = s1.publish(make_event(Channel::kCommand, "c", 0));
    return !r && r.error().code() == vsm::ErrorCode::kDegraded;
  }, 30s));
  for (int i = 1; i <= 5; ++i) REQUIRE(s1.publish(make_event(Channel::kCoordination, "r", i)).ok());
  CHECK_FALSE(sub->next(200ms).has_value());  // dropped by the named partition

  for (vsm::Node* n : {&s1, &s3, &s5}) chaos(*n, {{"do", "clear"}});
  std::vector<int> got;
  while (got.size() < 5) {
    auto e = sub->next(30s);
    REQUIRE(e.has_value());
    CHECK(e->metadata.count(std::string(vsm::kReconciledMetadataKey)) == 1);
    CHECK(e->metadata.count(std::string(vsm::kDegradedMetadataKey)) == 1);
    got.push_back(vsm::unpack_value<int>(e->payload).value());
  }
  CHECK(got == std::vector<int>{1, 2, 3, 4, 5});  // in order
  REQUIRE(s1.publish(make_event(Channel::kCoordination, "r", 6)).ok());
  auto live = sub->next(10s);  // then live again, nothing twice
  REQUIRE(live.has_value());
  CHECK(vsm::unpack_value<int>(live->payload).value() == 6);
  CHECK(s3.stats().variety.reconciled_events == 5);
}
