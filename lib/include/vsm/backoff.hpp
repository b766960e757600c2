// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and
// Jitter"): attempt k waits uniform[0, min(max_delay_ms, initial_delay_ms * multiplier^k)].
// The random source is injectable (seed or function) so tests and simulators are
// deterministic. Not thread-safe: one instance per retrying operation.
//   ExponentialBackoff b({.initial_delay_ms = 50, .max_delay_ms = 2000}, seed);
//   for (...) { sleep_ms(b.next_delay_ms()); retry(); }   b.reset() after a success.
#pragma once

#include <cstdint>
#include <functional>

namespace vsm {

struct BackoffConfig {
  std::uint64_t initial_delay_ms = 100;  // ceiling of the first attempt
  std::uint64_t max_delay_ms = 10'000;   // ceiling never exceeds this
  double multiplier = 2.0;               // ceiling growth per attempt; >= 1
};

class ExponentialBackoff {
 public:
  // Uniformly distributed 64-bit values.
  using RandomSource = std::function<std::uint64_t()>;

  // Deterministic: splitmix64 seeded with `seed`.
  ExponentialBackoff(BackoffConfig config, std::uint64_t seed);
  ExponentialBackoff(BackoffConfig config, RandomSource random);

  // min(max_delay_ms, initial_delay_ms * multiplier^attempt); saturates, never overflows.
  std::uint64_t ceiling_ms(std::uint32_t attempt) const noexcept;
  // A delay uniform in [0, ceiling_ms(attempts())], then counts the attempt.
  std::uint64_t next_delay_ms();
  // Back to the first attempt (after a success).
  void reset() noexcept { attempts_ = 0; }
  std::uint32_t attempts() const noexcept { return attempts_; }
  const BackoffConfig& config() const noexcept { return config_; }

 private:
  BackoffConfig config_;
  RandomSource random_;
  std::uint32_t attempts_ = 0;
};

}  // namespace vsm
