// QuotaTable: role defaults, overrides, channel caps, algedonic bypass, both policies.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "vsm/quota_table.hpp"

namespace vsm {
namespace {

int admit_burst(QuotaTable& q, Channel c, std::string_view source, int attempts,
                std::uint64_t now_ms = 0) {
  int ok = 0;
  for (int i = 0; i < attempts; ++i) ok += q.admit(c, source, now_ms).ok() ? 1 : 0;
  return ok;
}

}  // namespace

TEST_CASE("quota: defaults by role admit exactly one second of burst", "[quota_table]") {
  QuotaTable q;
  CHECK(admit_burst(q, Channel::kCommand, "s5.policy", 200) == 50);
  CHECK(admit_burst(q, Channel::kCommand, "s4.intel", 200) == 100);
  CHECK(admit_burst(q, Channel::kCommand, "s3", 500) == 200);
  CHECK(admit_burst(q, Channel::kAudit, "S3*", 500) == 200);
  CHECK(admit_burst(q, Channel::kCoordination, "s2-coord", 1000) == 500);
  CHECK(admit_burst(q, Channel::kCoordination, "s1.ops-3", 2000) == 1000);
  CHECK(admit_burst(q, Channel::kCoordination, "sensor-a", 2000) == 1000);  // no role
  CHECK(q.admitted(Channel::kCommand) == 350);
  CHECK(q.rejected(Channel::kCommand) == 150 + 100 + 300);
  CHECK(q.source_rate_per_s("s5.anything") == 50);
  CHECK(q.source_rate_per_s("s2") == 500);
}

TEST_CASE("quota: each (channel, source) has its own bucket", "[quota_table]") {
  QuotaTable q;
  CHECK(admit_burst(q, Channel::kCommand, "s5", 100) == 50);
  CHECK(admit_burst(q, Channel::kResourceBargain, "s5", 100) == 50);
  CHECK(admit_burst(q, Channel::kCommand, "s5.other", 100) == 50);
  CHECK(q.tracked_sources() == 3);
  // Refill: S5 at 50/s gets one event per 20 ms.
  CHECK(admit_burst(q, Channel::kCommand, "s5", 10, 100) == 5);
}

TEST_CASE("quota: algedonic is never limited", "[quota_table]") {
  QuotaConfig cfg;
  cfg.s1_rate_per_s = 1;
  cfg.channel_rate_per_s[channel_index(Channel::kAlgedonic)] = 1;
  cfg.policy = QuotaPolicy::kReject;
  QuotaTable q(cfg);
  for (int i = 0; i < 10'000; ++i) {
    auto r = q.admit(Channel::kAlgedonic, "s1.ops", 0);
    REQUIRE(r.ok());
    REQUIRE(*r == 0);
  }
  CHECK(q.admitted(Channel::kAlgedonic) == 10'000);
  CHECK(q.rejected(Channel::kAlgedonic) == 0);
  CHECK(q.pressure(Channel::kAlgedonic, 0) == 0.0);
  CHECK(admit_burst(q, Channel::kCommand, "s1.ops", 10) == 1);  // other channels are limited
}

TEST_CASE("quota: rejection names channel, source and limit", "[quota_table]") {
  QuotaTable q;
  REQUIRE(admit_burst(q, Channel::kCommand, "s5.policy", 50) == 50);
  auto r = q.admit(Channel::kCommand, "s5.policy", 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kQuotaExceeded);
  const std::string& m = r.error().message();
  CHECK(m.find("'command'") != std::string::npos);
  CHECK(m.find("'s5.policy'") != std::string::npos);
  CHECK(m.find("limit 50/s") != std::string::npos);
  CHECK(m.find("20 ms") != std::string::npos);
}

TEST_CASE("quota: overrides by source, at construction and at runtime", "[quota_table]") {
  QuotaConfig cfg;
  cfg.source_rate_per_s["s5.policy"] = 5;
  cfg.source_rate_per_s["s1.firehose"] = 0;  // unlimited
  QuotaTable q(cfg);
  CHECK(q.source_rate_per_s("s5.policy") == 5);
  CHECK(admit_burst(q, Channel::kCommand, "s5.policy", 20) == 5);
  CHECK(admit_burst(q, Channel::kCoordination, "s1.firehose", 5000) == 5000);
  q.set_source_rate("s5.policy", 20, 0);
  CHECK(admit_burst(q, Channel::kCommand, "s5.policy", 100, 1000) == 20);
  q.set_source_rate("s5.policy", 0, 1000);
  CHECK(admit_burst(q, Channel::kCommand, "s5.policy", 100, 1000) == 100);
  q.set_source_rate("s4", 1, 0);
  CHECK(admit_burst(q, Channel::kCommand, "s4", 5) == 1);
}

TEST_CASE("quota: a channel cap limits all sources together", "[quota_table]") {
  QuotaConfig cfg;
  cfg.channel_rate_per_s[channel_index(Channel::kCoordination)] = 300;
  QuotaTable q(cfg);
  CHECK(admit_burst(q, Channel::kCoordination, "s1.a", 200) == 200);
  CHECK(admit_burst(q, Channel::kCoordination, "s1.b", 200) == 100);
  auto r = q.admit(Channel::kCoordination, "s1.c", 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("all sources") != std::string::npos);
  CHECK(q.pressure(Channel::kCoordination, 0) == 1.0);
  // One second later the cap has refilled; other channels were never capped.
  CHECK(admit_burst(q, Channel::kCoordination, "s1.c", 1000, 1000) == 300);
  CHECK(admit_burst(q, Channel::kCommand, "s1.c", 2000) == 1000);
}

TEST_CASE("quota: pressure per channel", "[quota_table]") {
  QuotaTable q;
  CHECK(q.pressure(Channel::kCommand, 0) == 0.0);
  REQUIRE(admit_burst(q, Channel::kCommand, "s4", 50) == 50);  // half of 100
  CHECK(q.pressure(Channel::kCommand, 0) == Approx(0.5));
  CHECK(q.pressure(Channel::kAudit, 0) == 0.0);
  CHECK(q.pressure(Channel::kCommand, 250) == Approx(0.25));
  CHECK(q.pressure(Channel::kCommand, 10'000) == 0.0);
}

TEST_CASE("quota: delay policy spaces events at the rate, up to max_delay_ms",
          "[quota_table]") {
  QuotaConfig cfg;
  cfg.policy = QuotaPolicy::kDelay;
  cfg.max_delay_ms = 100;
  QuotaTable q(cfg);  // S5: 50/s, burst 50, one event per 20 ms
  for (int i = 0; i < 50; ++i) REQUIRE(*q.admit(Channel::kCommand, "s5", 0) == 0);
  for (std::uint64_t k = 1; k <= 5; ++k) {
    auto r = q.admit(Channel::kCommand, "s5", 0);
    REQUIRE(r.ok());
    CHECK(*r == 20 * k);
  }
  auto over = q.admit(Channel::kCommand, "s5", 0);  // would wait 120 ms
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code() == ErrorCode::kQuotaExceeded);
  CHECK(q.admitted(Channel::kCommand) == 55);
  CHECK(q.delayed(Channel::kCommand) == 5);
  CHECK(q.rejected(Channel::kCommand) == 1);
  CHECK(q.pressure(Channel::kCommand, 0) == 1.0);
  // Time passes: the queue drains.
  CHECK(*q.admit(Channel::kCommand, "s5", 100) == 20);
}

TEST_CASE("quota: a request larger than the burst is rejected under both policies",
          "[quota_table]") {
  for (QuotaPolicy p : {QuotaPolicy::kReject, QuotaPolicy::kDelay}) {
    QuotaConfig cfg;
    cfg.policy = p;
    cfg.max_delay_ms = 1'000'000;
    QuotaTable q(cfg);
    auto r = q.admit(Channel::kCommand, "s5", 0, 51);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("larger than the burst") != std::string::npos);
  }
}

TEST_CASE("quota: the table of tracked sources is bounded", "[quota_table]") {
  QuotaConfig cfg;
  cfg.max_tracked_sources = 3;
  QuotaTable q(cfg);
  REQUIRE(admit_burst(q, Channel::kCommand, "s1.a", 1) == 1);
  REQUIRE(admit_burst(q, Channel::kCommand, "s1.b", 1) == 1);
  REQUIRE(admit_burst(q, Channel::kCommand, "s1.c", 1) == 1);
  auto r = q.admit(Channel::kCommand, "s1.d", 0);  // all three are busy
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("max_tracked_sources") != std::string::npos);
  CHECK(q.admit(Channel::kCommand, "s1.d", 10).ok());  // idle buckets were evicted
  CHECK(q.tracked_sources() == 1);
}

TEST_CASE("quota: thread-safe under concurrent publishers", "[quota_table]") {
  QuotaTable q;  // S4: 100/s, burst 100; time frozen: exactly 100 admitted in total
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ok += q.admit(Channel::kCommand, "s4", 0).ok() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 100);
  CHECK(q.admitted(Channel::kCommand) == 100);
  CHECK(q.rejected(Channel::kCommand) == 3900);
}

}  // namespace vsm

namespace vsm {

TEST_CASE("quota AIMD: active sources are cut under pressure, then recover", "[quota_table]") {
  QuotaConfig cfg;
  cfg.aimd_enabled = true;
  cfg.aimd_interval_ms = 100;
  cfg.aimd_increase_per_s = 100;  // +10 per 100 ms step
  cfg.s1_rate_per_s = 100;
  QuotaTable q(cfg);
  REQUIRE(q.admit(Channel::kCoordination, "s1.idle", 0).ok());
  REQUIRE(q.admit(Channel::kCoordination, "s1.busy", 100).ok());  // step at 100: no pressure
  CHECK(q.aimd_decreases() == 0);
  admit_burst(q, Channel::kCoordination, "s1.busy", 200, 150);
  q.set_pressure(1.0);
  (void)q.admit(Channel::kCoordination, "s1.busy", 200);  // step: busy was active, idle not
  CHECK(q.current_rate(Channel::kCoordination, "s1.busy") == 50);
  CHECK(q.current_rate(Channel::kCoordination, "s1.idle") == 100);
  (void)q.admit(Channel::kCoordination, "s1.busy", 300);
  CHECK(q.current_rate(Channel::kCoordination, "s1.busy") == 25);
  CHECK(q.aimd_decreases() == 2);
  // Pressure gone: additive increase up to the configured rate, never beyond.
  q.set_pressure(0.0);
  for (std::uint64_t t = 400; t <= 1'600; t += 100) (void)q.admit(Channel::kCoordination, "s1.idle", t);
  CHECK(q.current_rate(Channel::kCoordination, "s1.busy") == 100);
  CHECK(q.aimd_increases() >= 8);
  CHECK(q.source_rate_per_s("s1.busy") == 100);
}

TEST_CASE("quota AIMD: a channel cap's fill is the pressure; floor holds", "[quota_table]") {
  QuotaConfig cfg;
  cfg.aimd_enabled = true;
  cfg.aimd_interval_ms = 10;
  cfg.aimd_min_rate_per_s = 20;
  cfg.channel_rate_per_s[channel_index(Channel::kAudit)] = 50;
  QuotaTable q(cfg);
  admit_burst(q, Channel::kAudit, "s1.loud", 100, 0);  // drains the cap (50)
  for (std::uint64_t t = 10; t <= 200; t += 10) admit_burst(q, Channel::kAudit, "s1.loud", 50, t);
  CHECK(q.current_rate(Channel::kAudit, "s1.loud") == 20);
  CHECK(q.aimd_decreases() >= 5);
}

TEST_CASE("quota AIMD: a bargained rate is the new ceiling", "[quota_table]") {
  QuotaConfig cfg;
  cfg.aimd_enabled = true;
  cfg.aimd_interval_ms = 10;
  QuotaTable q(cfg);
  REQUIRE(q.admit(Channel::kCommand, "s1.ops", 0).ok());
  q.set_source_rate("s1.ops", 5, 0);
  CHECK(q.current_rate(Channel::kCommand, "s1.ops") == 5);
  for (std::uint64_t t = 10; t < 500; t += 10) (void)q.admit(Channel::kCommand, "s1.ops", t);
  CHECK(q.current_rate(Channel::kCommand, "s1.ops") == 5);
}

}  // namespace vsm
