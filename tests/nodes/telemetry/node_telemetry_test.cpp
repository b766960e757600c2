// Telemetry between in-process nodes: a node's reports reach another node's kRemote
// callbacks over the data plane and never its ordinary subscriptions; gossip member
// events become reports; the start-up rule keeps a lone node healthy and silent.
#include <catch2/catch.hpp>
#include <mutex>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::TelemetryEvent;
using vsm::TelemetryKind;
using vsm::TelemetryOrigin;

namespace {

struct Collected {
  std::mutex mu;
  std::vector<TelemetryEvent> events;
  vsm::TelemetryCallback callback() {
    return [this](const TelemetryEvent& e) {
      std::lock_guard lock(mu);
      events.push_back(e);
    };
  }
  bool has(TelemetryKind k, const std::string& subject = {}) {
    std::lock_guard lock(mu);
    for (const auto& e : events) {
      if (e.kind == k && (subject.empty() || e.subject == subject)) return true;
    }
    return false;
  }
  std::optional<TelemetryEvent> find(TelemetryKind k) {
    std::lock_guard lock(mu);
    for (const auto& e : events) {
      if (e.kind == k) return e;
    }
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("a node's reports reach another node's kRemote callbacks, not its subscriptions",
          "[node][telemetry]") {
  auto pub_cfg = vsm::test::node_config("s1.tel", vsm::Role::kS1);
  pub_cfg.dish_peers = {};  // an alert to nobody: raised, then unconfirmed
  Collected remote, local;  // outlive the nodes: their callbacks run until the nodes stop
  vsm::test::PubSubPair pair(pub_cfg, vsm::test::node_config("s5.watch", vsm::Role::kS5));
  pair.sub.on_telemetry(remote.callback(), TelemetryOrigin::kRemote);
  pair.pub.on_telemetry(local.callback());
  auto all = pair.subscribe_ready(vsm::Filter::all());
  // The telemetry subscription travels upstream on its own: raise until one arrives.
  REQUIRE(vsm::test::wait_until(
      [&] {
        (void)pair.pub.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "pump 3");
        return vsm::test::wait_until([&] { return remote.has(TelemetryKind::kAlgedonicRaised); },
                                     200ms);
      },
      20s));
  auto raised = remote.find(TelemetryKind::kAlgedonicRaised);
  CHECK(raised->node == "s1.tel");
  CHECK(raised->state == "high");
  CHECK(raised->reason == "pain: pump 3");
  CHECK(raised->seq >= 1);
  REQUIRE(vsm::test::wait_until([&] { return remote.has(TelemetryKind::kAlgedonicUnconfirmed); }));
  CHECK(remote.find(TelemetryKind::kAlgedonicUnconfirmed)->reason == "no algedonic peers");
  CHECK(local.has(TelemetryKind::kAlgedonicRaised));
  CHECK_FALSE(pair.pub.recent_telemetry().empty());

  // The ordinary subscription saw the alerts' data-plane copies and nothing else.
  const std::uint64_t raised_n = pair.pub.stats().algedonic.raised;
  REQUIRE(vsm::test::wait_until(
      [&] { return pair.sub.stats().of(vsm::Channel::kAlgedonic).delivered == raised_n; }));
  vsm::Event ev;
  std::uint64_t seen = 0;
  while (all.next_into(ev, 100ms)) {
    CHECK(ev.channel == vsm::Channel::kAlgedonic);
    ++seen;
  }
  CHECK(seen == raised_n);
  const auto s = pair.sub.stats();
  CHECK(s.decode_errors == 0);
  CHECK(s.total().received == raised_n);
  CHECK(s.telemetry.remote_received >= 2);
}

TEST_CASE("gossip member events become telemetry reports", "[node][telemetry][gossip]") {
  auto a_cfg = vsm::test::node_config("s5.seed", vsm::Role::kS5);
  a_cfg.gossip_bind = "127.0.0.1:0";
  Collected reports;  // outlives the node: its callback runs until the node stops
  vsm::Node a(a_cfg);
  a.on_telemetry(reports.callback());
  REQUIRE(a.start().ok());
  auto b_cfg = vsm::test::node_config("s3.joiner", vsm::Role::kS3);
  b_cfg.gossip_bind = "127.0.0.1:0";
  b_cfg.seeds = {a.gossip_address()};
  vsm::Node b(b_cfg);
  REQUIRE(b.start().ok());
  REQUIRE(vsm::test::wait_until(
      [&] { return reports.has(TelemetryKind::kMemberJoined, "s3.joiner"); }, 20s));
  CHECK(reports.find(TelemetryKind::kMemberJoined)->reason == "S3");
  b.stop();  // a graceful leave
  REQUIRE(vsm::test::wait_until(
      [&] { return reports.has(TelemetryKind::kMemberLeft, "s3.joiner"); }, 20s));
}

TEST_CASE("a lone node is healthy and raises no alarm before it has seen an S5",
          "[node][telemetry][gossip]") {
  auto cfg = vsm::test::node_config("s1.solo", vsm::Role::kS1);
  cfg.gossip_bind = "127.0.0.1:0";
  SECTION("default join grace: healthy, no pain alert") {
    vsm::Node n(cfg);
    REQUIRE(n.start().ok());
    REQUIRE(vsm::test::wait_until([&] { return !n.partition_view().partitions.empty(); }));
    CHECK(n.partition_state() == vsm::gossip::PartitionState::kHealthy);
    CHECK(n.health().state == vsm::Viability::kViable);
    CHECK(n.stats().algedonic.raised == 0);
    CHECK(n.stats().total().published == 0);
  }
  SECTION("no grace: degraded at once, with a pain alert and a partition report") {
    cfg.partition.join_grace_ms = 0;
    Collected reports;  // outlives the node: its callback runs until the node stops
    vsm::Node n(cfg);
    n.on_telemetry(reports.callback());
    REQUIRE(n.start().ok());
    REQUIRE(vsm::test::wait_until(
        [&] { return n.partition_state() == vsm::gossip::PartitionState::kDegraded; }));
    REQUIRE(vsm::test::wait_until([&] { return n.stats().algedonic.raised == 1; }));
    REQUIRE(vsm::test::wait_until([&] { return reports.has(TelemetryKind::kPartition); }));
    CHECK(reports.find(TelemetryKind::kPartition)->state == "degraded");
    const auto h = n.health();
    CHECK(h.state == vsm::Viability::kDegraded);
    REQUIRE_FALSE(h.reasons.empty());
    CHECK(h.reasons[0] == "partition degraded: no S5 in partition");
  }
}
