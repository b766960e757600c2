// CircuitBreaker: every transition with an injected clock, and the counters.
#include <catch2/catch.hpp>

#include "vsm/circuit_breaker.hpp"

namespace vsm {

TEST_CASE("breaker: opens after the failure threshold of consecutive failures",
          "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 3, .recovery_timeout_ms = 1000, .half_open_probes = 1});
  CHECK(cb.state() == BreakerState::kClosed);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(cb.allow(0));
    cb.record_failure(0);
  }
  CHECK(cb.state() == BreakerState::kClosed);
  CHECK(cb.consecutive_failures() == 2);
  cb.record_success();  // a success resets the count
  CHECK(cb.consecutive_failures() == 0);
  for (int i = 0; i < 3; ++i) cb.record_failure(100);
  CHECK(cb.state() == BreakerState::kOpen);
  CHECK(cb.times_opened() == 1);
  CHECK_FALSE(cb.allow(100));
  CHECK_FALSE(cb.allow(1099));
  CHECK(cb.rejected_calls() == 2);
}

TEST_CASE("breaker: half-open probe success closes, failure reopens", "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 1, .recovery_timeout_ms = 1000, .half_open_probes = 1});
  cb.record_failure(0);
  REQUIRE(cb.state() == BreakerState::kOpen);
  CHECK(cb.allow(1000));  // timeout passed: first probe
  CHECK(cb.state() == BreakerState::kHalfOpen);
  CHECK(cb.times_half_opened() == 1);
  CHECK_FALSE(cb.allow(1000));  // only one probe in flight
  cb.record_failure(1500);
  CHECK(cb.state() == BreakerState::kOpen);
  CHECK(cb.times_opened() == 2);
  CHECK_FALSE(cb.allow(2499));  // timer restarted at the probe failure
  CHECK(cb.allow(2500));
  cb.record_success();
  CHECK(cb.state() == BreakerState::kClosed);
  CHECK(cb.times_closed() == 1);
  CHECK(cb.allow(2500));
  CHECK(cb.allow(2500));
}

TEST_CASE("breaker: several probes must all succeed", "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 2, .recovery_timeout_ms = 50, .half_open_probes = 3});
  cb.record_failure(0);
  cb.record_failure(0);
  REQUIRE(cb.state() == BreakerState::kOpen);
  CHECK(cb.allow(50));
  CHECK(cb.allow(50));
  CHECK(cb.allow(50));
  CHECK_FALSE(cb.allow(50));
  cb.record_success();
  cb.record_success();
  CHECK(cb.state() == BreakerState::kHalfOpen);
  CHECK_FALSE(cb.allow(60));  // two succeeded, one still in flight: budget used up
  cb.record_success();
  CHECK(cb.state() == BreakerState::kClosed);
  // Reopen and fail the last probe.
  cb.record_failure(100);
  cb.record_failure(100);
  REQUIRE(cb.state() == BreakerState::kOpen);
  REQUIRE(cb.allow(150));
  REQUIRE(cb.allow(150));
  cb.record_success();
  cb.record_failure(151);
  CHECK(cb.state() == BreakerState::kOpen);
  CHECK(cb.times_opened() == 3);
  CHECK(cb.times_half_opened() == 2);
  CHECK(cb.times_closed() == 1);
}

TEST_CASE("breaker: late results while open are ignored", "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 1, .recovery_timeout_ms = 100, .half_open_probes = 1});
  cb.record_failure(0);
  cb.record_success();
  CHECK(cb.state() == BreakerState::kOpen);
  cb.record_failure(90);  // does not extend the open period
  CHECK(cb.times_opened() == 1);
  CHECK(cb.allow(100));
}

TEST_CASE("breaker: a clock that goes backwards keeps it open", "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 1, .recovery_timeout_ms = 100, .half_open_probes = 1});
  cb.record_failure(1000);
  CHECK_FALSE(cb.allow(10));
  CHECK(cb.state() == BreakerState::kOpen);
}

TEST_CASE("breaker: zero settings are clamped and state names", "[circuit_breaker]") {
  CircuitBreaker cb({.failure_threshold = 0, .recovery_timeout_ms = 0, .half_open_probes = 0});
  CHECK(cb.config().failure_threshold == 1);
  CHECK(cb.config().half_open_probes == 1);
  cb.record_failure(5);
  CHECK(cb.state() == BreakerState::kOpen);
  CHECK(cb.allow(5));
  CHECK(breaker_state_name(BreakerState::kClosed) == "closed");
  CHECK(breaker_state_name(BreakerState::kOpen) == "open");
  CHECK(breaker_state_name(BreakerState::kHalfOpen) == "half_open");
}

}  // namespace vsm
