#include "vsm/circuit_breaker.hpp"

#include "vsm/enum_names.hpp"

#include <algorithm>

namespace vsm {

namespace {
constexpr EnumNames<BreakerState, 3> kBreakerStateNames{{{{BreakerState::kClosed, "closed"},
                                                          {BreakerState::kOpen, "open"},
                                                          {BreakerState::kHalfOpen, "half_open"}}}};
}  // namespace

std::string_view breaker_state_name(BreakerState state) noexcept {
  return kBreakerStateNames.name(state);
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config) : config_(config) {
  // A zero threshold or probe count would make the breaker meaningless; treat as 1.
  config_.failure_threshold = std::max<std::uint32_t>(1, config_.failure_threshold);
  config_.half_open_probes = std::max<std::uint32_t>(1, config_.half_open_probes);
}

void CircuitBreaker::open(std::uint64_t now_ms) {
  state_ = BreakerState::kOpen;
  opened_at_ms_ = now_ms;
  failures_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  ++opened_;
}

bool CircuitBreaker::allow(std::uint64_t now_ms) {
  if (state_ == BreakerState::kOpen) {
    // Compare without overflow; a clock that went backwards keeps the circuit open.
    if (now_ms < opened_at_ms_ || now_ms - opened_at_ms_ < config_.recovery_timeout_ms) {
      ++rejected_;
      return false;
    }
    state_ = BreakerState::kHalfOpen;
    probes_in_flight_ = 0;
    probe_successes_ = 0;
    ++half_opened_;
  }
  if (state_ == BreakerState::kHalfOpen) {
    if (probes_in_flight_ + probe_successes_ >= config_.half_open_probes) {
      ++rejected_;
      return false;
    }
    ++probes_in_flight_;
  }
  return true;
}

void CircuitBreaker::record_success() {
  switch (state_) {
    case BreakerState::kClosed:
      failures_ = 0;
      break;
    case BreakerState::kHalfOpen:
      if (probes_in_flight_ > 0) --probes_in_flight_;
      if (++probe_successes_ >= config_.half_open_probes) {
        state_ = BreakerState::kClosed;
        failures_ = 0;
        ++closed_;
      }
      break;
    case BreakerState::kOpen:
      break;  // a late result of a call made before opening: ignore
  }
}

void CircuitBreaker::record_failure(std::uint64_t now_ms) {
  switch (state_) {
    case BreakerState::kClosed:
      if (++failures_ >= config_.failure_threshold) open(now_ms);
      break;
    case BreakerState::kHalfOpen:
      open(now_ms);
      break;
    case BreakerState::kOpen:
      break;  // late result; the recovery timer keeps running from the first opening
  }
}

}  // namespace vsm
