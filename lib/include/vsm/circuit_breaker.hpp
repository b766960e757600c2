// Circuit breaker for calls to one peer (replay requests, algedonic confirmations):
// kClosed passes calls and counts consecutive failures; failure_threshold of them open it.
// kOpen refuses calls until recovery_timeout_ms has passed, then kHalfOpen lets
// half_open_probes calls through: all succeeding closes it, any failing reopens it.
// Sans-I/O: the caller passes monotonic milliseconds. Not thread-safe (one owner thread).
//   CircuitBreaker cb({.failure_threshold = 3});
//   if (!cb.allow(now_ms)) return Error::subscriber_unavailable("peer circuit open");
//   ok ? cb.record_success() : cb.record_failure(now_ms);
#pragma once

#include <cstdint>
#include <string_view>

namespace vsm {

enum class BreakerState : std::uint8_t { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open".
std::string_view breaker_state_name(BreakerState state) noexcept;

struct CircuitBreakerConfig {
  std::uint32_t failure_threshold = 5;       // consecutive failures that open the circuit
  std::uint64_t recovery_timeout_ms = 5000;  // time open before probing
  std::uint32_t half_open_probes = 1;        // probes allowed (and needed) in half-open
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerConfig config = {});

  // True if a call may proceed now; in half-open each true is one probe in flight.
  // Moves kOpen -> kHalfOpen once the recovery timeout has passed.
  bool allow(std::uint64_t now_ms);
  // Outcome of a call that allow() let through.
  void record_success();
  void record_failure(std::uint64_t now_ms);

  BreakerState state() const noexcept { return state_; }
  const CircuitBreakerConfig& config() const noexcept { return config_; }
  std::uint32_t consecutive_failures() const noexcept { return failures_; }
  // Transition counters (into each state) and calls refused by allow().
  std::uint64_t times_opened() const noexcept { return opened_; }
  std::uint64_t times_half_opened() const noexcept { return half_opened_; }
  std::uint64_t times_closed() const noexcept { return closed_; }
  std::uint64_t rejected_calls() const noexcept { return rejected_; }

 private:
  void open(std::uint64_t now_ms);

  CircuitBreakerConfig config_;
  BreakerState state_ = BreakerState::kClosed;
  std::uint32_t failures_ = 0;         // consecutive, in kClosed
  std::uint64_t opened_at_ms_ = 0;
  std::uint32_t probes_in_flight_ = 0; // kHalfOpen
  std::uint32_t probe_successes_ = 0;  // kHalfOpen
  std::uint64_t opened_ = 0;
  std::uint64_t half_opened_ = 0;
  std::uint64_t closed_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace vsm
