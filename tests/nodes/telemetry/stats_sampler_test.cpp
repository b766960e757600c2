// StatsSampler: rates, one flow report per sample when something moved, quota throttling,
// pressure with hysteresis, breaker and log transitions; the first sample is a baseline.
#include "telemetry/stats_sampler.hpp"

#include <catch2/catch.hpp>

using vsm::Channel;
using vsm::NodeStats;
using vsm::TelemetryEvent;
using vsm::TelemetryKind;
using vsm::detail::StatsSampler;

namespace {

std::vector<TelemetryEvent> of_kind(const std::vector<TelemetryEvent>& in, TelemetryKind k) {
  std::vector<TelemetryEvent> out;
  for (const auto& e : in) {
    if (e.kind == k) out.push_back(e);
  }
  return out;
}

vsm::ChannelStats& ch(NodeStats& s, Channel c) { return s.channels[vsm::channel_index(c)]; }

}  // namespace

TEST_CASE("the first sample is a baseline; idle samples report nothing", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  StatsSampler sampler(cfg);
  std::vector<TelemetryEvent> out;
  NodeStats s;
  ch(s, Channel::kAudit).published = 100;
  sampler.sample(s, 1.0, out);
  CHECK(out.empty());
  sampler.sample(s, 1.0, out);
  CHECK(out.empty());
  CHECK(sampler.rates()[vsm::channel_index(Channel::kAudit)].published_per_s == 0);
}

TEST_CASE("flow: rates of the channels that moved, in one report", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  StatsSampler sampler(cfg);
  std::vector<TelemetryEvent> out;
  NodeStats a;
  sampler.sample(a, 1.0, out);
  NodeStats b = a;
  ch(b, Channel::kCoordination).published = 50;
  ch(b, Channel::kCoordination).delivered = 20;
  ch(b, Channel::kAudit).dropped = 4;
  b.telemetry.suppressed = 3;
  b.batches_sent = 8;
  sampler.sample(b, 2.0, out);
  const auto flow = of_kind(out, TelemetryKind::kFlow);
  REQUIRE(flow.size() == 1);
  CHECK(flow[0].values.at("coordination.published_per_s") == 25.0);
  CHECK(flow[0].values.at("coordination.delivered_per_s") == 10.0);
  CHECK(flow[0].values.at("audit.dropped_per_s") == 2.0);
  CHECK(flow[0].values.count("command.published_per_s") == 0);
  CHECK(flow[0].values.at("telemetry_suppressed") == 3.0);
  CHECK(flow[0].values.at("batch_frames_per_s") == 4.0);
  CHECK(sampler.rates()[vsm::channel_index(Channel::kCoordination)].published_per_s == 25.0);
}

TEST_CASE("quota throttling and variety pressure with hysteresis", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.telemetry_pressure_high = 0.9;
  cfg.telemetry_pressure_low = 0.5;
  StatsSampler sampler(cfg);
  std::vector<TelemetryEvent> out;
  NodeStats s;
  sampler.sample(s, 1.0, out);
  ch(s, Channel::kCommand).quota_rejected = 7;
  ch(s, Channel::kCommand).variety_pressure = 0.95;
  sampler.sample(s, 1.0, out);
  auto q = of_kind(out, TelemetryKind::kQuotaThrottled);
  REQUIRE(q.size() == 1);
  CHECK(q[0].subject == "command");
  CHECK(q[0].values.at("rejected") == 7.0);
  auto p = of_kind(out, TelemetryKind::kVarietyPressure);
  REQUIRE(p.size() == 1);
  CHECK(p[0].state == "high");

  out.clear();
  ch(s, Channel::kCommand).variety_pressure = 0.6;  // between the marks: still high
  sampler.sample(s, 1.0, out);
  CHECK(of_kind(out, TelemetryKind::kVarietyPressure).empty());
  CHECK(of_kind(out, TelemetryKind::kQuotaThrottled).empty());  // no new rejections
  ch(s, Channel::kCommand).variety_pressure = 0.4;
  sampler.sample(s, 1.0, out);
  p = of_kind(out, TelemetryKind::kVarietyPressure);
  REQUIRE(p.size() == 1);
  CHECK(p[0].state == "normal");
  CHECK(p[0].previous == "high");
}

TEST_CASE("breaker and log transitions", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  StatsSampler sampler(cfg);
  std::vector<TelemetryEvent> out;
  NodeStats s;
  s.log_enabled = true;
  sampler.sample(s, 1.0, out);
  s.repair_breakers["s1.pub"] = vsm::BreakerState::kOpen;
  s.log.health = vsm::persist::LogHealth::kFailing;
  s.log.last_error = "no space left on device";
  s.log.write_errors = 3;
  sampler.sample(s, 1.0, out);
  auto b = of_kind(out, TelemetryKind::kBreaker);
  REQUIRE(b.size() == 1);
  CHECK(b[0].subject == "s1.pub");
  CHECK(b[0].state == "open");
  CHECK(b[0].previous == "closed");
  auto l = of_kind(out, TelemetryKind::kLogError);
  REQUIRE(l.size() == 1);
  CHECK(l[0].state == "failing");
  CHECK(l[0].reason == "no space left on device");

  out.clear();
  s.repair_breakers.erase("s1.pub");  // forgotten: closed again
  s.log.health = vsm::persist::LogHealth::kHealthy;
  sampler.sample(s, 1.0, out);
  b = of_kind(out, TelemetryKind::kBreaker);
  REQUIRE(b.size() == 1);
  CHECK(b[0].state == "closed");
  l = of_kind(out, TelemetryKind::kLogError);
  REQUIRE(l.size() == 1);
  CHECK(l[0].state == "healthy");
}
