// Token bucket for variety quotas (DESIGN §3): `rate_per_s` tokens per second refill a
// bucket of at most `burst_tokens`; it starts full. Sans-I/O: every call takes the current
// time in milliseconds from a monotonic clock supplied by the caller; time that goes
// backwards refills nothing. Arithmetic is exact integer math in nano-tokens, so counts
// are reproducible (rates with up to 6 decimals are exact).
// Thread-safety: not thread-safe; QuotaTable serialises access.
#pragma once

#include <cstdint>
#include <optional>

namespace vsm {

struct TokenBucketConfig {
  double rate_per_s = 1000.0;    // refill rate, tokens per second; > 0
  double burst_tokens = 1000.0;  // capacity, tokens; >= 1
};

class TokenBucket {
 public:
  // REQUIRES: config.rate_per_s > 0, config.burst_tokens >= 1.
  explicit TokenBucket(TokenBucketConfig config, std::uint64_t now_ms = 0);

  // Takes n tokens if all are available; otherwise takes none and returns false.
  bool try_acquire(std::uint64_t now_ms, std::uint32_t n = 1);

  // Delay policy: takes n tokens even if that leaves the bucket in debt, and returns how
  // many milliseconds the caller must wait before acting (0 = now). Takes nothing and
  // returns nullopt when the wait would exceed max_wait_ms. Later callers queue behind
  // the debt, so waiting callers are admitted at exactly the configured rate.
  std::optional<std::uint64_t> reserve(std::uint64_t now_ms, std::uint32_t n,
                                       std::uint64_t max_wait_ms);

  // Milliseconds until n tokens are available (0 if they are now). n > burst never
  // becomes available: returns UINT64_MAX.
  std::uint64_t ms_until_available(std::uint64_t now_ms, std::uint32_t n = 1);

  // 0 = full bucket (idle), 1 = empty or in debt (at the limit).
  double pressure(std::uint64_t now_ms);
  // Whole tokens available now (0 when in debt).
  std::uint64_t available(std::uint64_t now_ms);

  // Changes the rate and capacity, keeping the current fill (clamped to the new burst).
  void reconfigure(TokenBucketConfig config, std::uint64_t now_ms);
  const TokenBucketConfig& config() const noexcept { return config_; }

 private:
  static constexpr std::int64_t kNanoPerToken = 1'000'000'000;
  void refill(std::uint64_t now_ms);
  std::int64_t wait_ms_for(std::int64_t needed_nano) const;

  TokenBucketConfig config_;
  std::int64_t rate_nano_per_ms_;  // refill per millisecond, in nano-tokens
  std::int64_t capacity_nano_;
  std::int64_t tokens_nano_;       // may be negative (debt) after reserve()
  std::uint64_t last_ms_;
};

}  // namespace vsm
