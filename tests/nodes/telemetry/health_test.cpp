// The health rules (docs/OPERATIONS.md "Health"): each rule alone, and the worst one wins.
#include "telemetry/health.hpp"

#include <catch2/catch.hpp>

using vsm::Viability;
using vsm::detail::evaluate_health;
using vsm::detail::HealthInputs;

TEST_CASE("a quiet node is viable", "[node][health]") {
  vsm::NodeConfig cfg;
  const auto h = evaluate_health(HealthInputs{}, cfg);
  CHECK(h.state == Viability::kViable);
  CHECK(h.reasons.empty());
  CHECK(vsm::viability_name(Viability::kNotViable) == "not_viable");
  CHECK(vsm::parse_viability("degraded") == Viability::kDegraded);
}

TEST_CASE("each rule and its verdict", "[node][health]") {
  vsm::NodeConfig cfg;
  HealthInputs in;
  SECTION("partition degraded") {
    in.gossip = true;
    in.partition.state = vsm::gossip::PartitionState::kDegraded;
    in.partition.reason = "no S5 in partition";
    const auto h = evaluate_health(in, cfg);
    CHECK(h.state == Viability::kDegraded);
    REQUIRE(h.reasons.size() == 1);
    CHECK(h.reasons[0] == "partition degraded: no S5 in partition");
  }
  SECTION("a partition view without gossip means nothing") {
    in.partition.state = vsm::gossip::PartitionState::kDegraded;
    CHECK(evaluate_health(in, cfg).state == Viability::kViable);
  }
  SECTION("open breaker") {
    in.breakers["s1.pub"] = vsm::BreakerState::kOpen;
    in.breakers["s1.ok"] = vsm::BreakerState::kClosed;
    const auto h = evaluate_health(in, cfg);
    CHECK(h.state == Viability::kDegraded);
    REQUIRE(h.reasons.size() == 1);
    CHECK(h.reasons[0].find("s1.pub") != std::string::npos);
  }
  SECTION("queue nearly full") {
    in.queue_capacity = 100;
    in.queue_depth = 95;
    CHECK(evaluate_health(in, cfg).state == Viability::kDegraded);
    in.queue_depth = 50;
    CHECK(evaluate_health(in, cfg).state == Viability::kViable);
  }
  SECTION("variety pressure at the high mark") {
    in.pressure[vsm::channel_index(vsm::Channel::kAudit)] = cfg.telemetry_pressure_high;
    const auto h = evaluate_health(in, cfg);
    CHECK(h.state == Viability::kDegraded);
    CHECK(h.reasons[0] == "variety pressure 90% on audit");
  }
  SECTION("unconfirmed alerts") {
    in.unconfirmed_alerts = 2;
    CHECK(evaluate_health(in, cfg).state == Viability::kDegraded);
  }
  SECTION("failing log: not viable, and the worst rule wins") {
    in.log_enabled = true;
    in.log.health = vsm::persist::LogHealth::kFailing;
    in.log.last_error = "disk full";
    in.breakers["s1.pub"] = vsm::BreakerState::kOpen;
    const auto h = evaluate_health(in, cfg);
    CHECK(h.state == Viability::kNotViable);
    CHECK(h.reasons.size() == 2);
    CHECK(h.reasons[0].find("disk full") != std::string::npos);
  }
  SECTION("not running") {
    in.running = false;
    CHECK(evaluate_health(in, cfg).state == Viability::kNotViable);
  }
}
