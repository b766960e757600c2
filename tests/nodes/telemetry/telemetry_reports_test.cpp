// Reports built from gossip events and alerts, and AlertWatch following delivery reports.
#include "telemetry/telemetry_reports.hpp"

#include <catch2/catch.hpp>

#include "telemetry/alert_watch.hpp"

using namespace vsm::detail;
using vsm::TelemetryKind;

TEST_CASE("member and partition reports", "[node][telemetry]") {
  vsm::gossip::MemberEvent me{vsm::gossip::MemberEventKind::kDead, {}};
  me.member.name = "s1.b";
  me.member.role = vsm::Role::kS1;
  me.member.state = vsm::gossip::MemberState::kDead;
  me.member.incarnation = 3;
  auto t = member_report(me);
  CHECK(t.kind == TelemetryKind::kMemberDead);
  CHECK(t.subject == "s1.b");
  CHECK(t.state == "dead");
  CHECK(t.reason == "S1");
  CHECK(t.values.at("incarnation") == 3.0);

  vsm::gossip::PartitionEvent pe{
      vsm::gossip::PartitionState::kHealthy, vsm::gossip::PartitionState::kDegraded, {}};
  pe.view.reason = "no S3 in partition";
  pe.view.partitions = {{"p:s1.a", {"s1.a", "s5.p"}, 2, true, false},
                        {"p:s3.c", {"s3.c"}, 1, false, true}};
  pe.view.quorum = true;
  t = partition_report(pe);
  CHECK(t.kind == TelemetryKind::kPartition);
  CHECK(t.state == "degraded");
  CHECK(t.previous == "healthy");
  CHECK(t.reason == "no S3 in partition");
  CHECK(t.sides == std::vector<std::vector<std::string>>{{"s1.a", "s5.p"}, {"s3.c"}});
  CHECK(t.values.at("local_members") == 2.0);
}

TEST_CASE("alert reports: raised, confirmed, unconfirmed, nobody", "[node][telemetry]") {
  vsm::AlgedonicReceipt r;
  r.id = vsm::EventId::generate();
  r.seq = 9;
  r.data_plane = true;
  auto t = alert_raised_report(r, vsm::Severity::kCritical, vsm::Signal::kPain, "pump 3");
  CHECK(t.kind == TelemetryKind::kAlgedonicRaised);
  CHECK(t.subject == r.id.to_string());
  CHECK(t.state == "critical");
  CHECK(t.reason == "pain: pump 3");

  vsm::DeliveryReport rep;
  rep.id = r.id;
  rep.peers = {{"udp://127.0.0.1:7001", "s5.p", true, 1, std::chrono::microseconds(420)},
               {"udp://127.0.0.1:7002", "", false, 4, std::chrono::microseconds(0)}};
  t = alert_settled_report(rep);
  CHECK(t.kind == TelemetryKind::kAlgedonicUnconfirmed);
  CHECK(t.reason == "no acknowledgement from udp://127.0.0.1:7002");
  CHECK(t.values.at("delivered") == 1.0);
  CHECK(t.values.at("latency_max_us") == 420.0);
  rep.peers.pop_back();
  CHECK(alert_settled_report(rep).kind == TelemetryKind::kAlgedonicConfirmed);
  rep.peers.clear();
  t = alert_settled_report(rep);
  CHECK(t.kind == TelemetryKind::kAlgedonicUnconfirmed);
  CHECK(t.reason == "no algedonic peers");
}

TEST_CASE("AlertWatch reports resolved alerts once and remembers unconfirmed peers",
          "[node][telemetry]") {
  AlertWatch w;
  std::promise<vsm::DeliveryReport> p1, p2;
  REQUIRE(w.add(p1.get_future().share()));
  REQUIRE(w.add(p2.get_future().share()));
  std::vector<vsm::TelemetryEvent> out;
  w.poll(1'000, out);
  CHECK(out.empty());
  CHECK(w.pending());
  vsm::DeliveryReport silent;
  silent.peers = {{"udp://127.0.0.1:7002", "", false, 4, {}}};
  p2.set_value(silent);
  w.poll(2'000, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == TelemetryKind::kAlgedonicUnconfirmed);
  CHECK(w.unconfirmed_since(1'500) == 1);
  CHECK(w.unconfirmed_since(2'001) == 0);
  p1.set_value({});
  w.poll(3'000, out);
  CHECK(out.size() == 2);
  CHECK_FALSE(w.pending());
}

TEST_CASE("AlertWatch is bounded", "[node][telemetry]") {
  AlertWatch w;
  std::vector<std::promise<vsm::DeliveryReport>> ps(AlertWatch::kMaxPending + 1);
  std::size_t added = 0;
  for (auto& p : ps) added += w.add(p.get_future().share()) ? 1 : 0;
  CHECK(added == AlertWatch::kMaxPending);
  for (int i = 0; i < 40; ++i)
    w.note_alert({std::to_string(i), 0, "s1", vsm::Severity::kLow, vsm::Signal::kPain, "d", false});
  const auto recent = w.recent();
  REQUIRE(recent.size() == AlertWatch::kMaxRecent);
  CHECK(recent.back().id == "39");
}
