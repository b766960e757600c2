#include "vsm/token_bucket.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace vsm {
namespace {

std::int64_t to_nano(double tokens) { return std::llround(tokens * 1e9); }

}  // namespace

TokenBucket::TokenBucket(TokenBucketConfig config, std::uint64_t now_ms)
    : config_(config),
      rate_nano_per_ms_(std::max<std::int64_t>(1, std::llround(config.rate_per_s * 1e6))),
      capacity_nano_(to_nano(std::max(1.0, config.burst_tokens))),
      tokens_nano_(capacity_nano_),
      last_ms_(now_ms) {
  assert(config.rate_per_s > 0 && config.burst_tokens >= 1);
}

void TokenBucket::refill(std::uint64_t now_ms) {
  if (now_ms <= last_ms_) return;  // time went backwards or stood still
  const std::uint64_t elapsed = now_ms - last_ms_;
  last_ms_ = now_ms;
  const std::int64_t missing = capacity_nano_ - tokens_nano_;
  if (missing <= 0) return;
  // Avoid overflow: once elapsed covers the missing tokens the bucket is simply full.
  if (elapsed >= static_cast<std::uint64_t>(missing / rate_nano_per_ms_) + 1) {
    tokens_nano_ = capacity_nano_;
  } else {
    tokens_nano_ += static_cast<std::int64_t>(elapsed) * rate_nano_per_ms_;
    tokens_nano_ = std::min(tokens_nano_, capacity_nano_);
  }
}

std::int64_t TokenBucket::wait_ms_for(std::int64_t needed_nano) const {
  const std::int64_t missing = needed_nano - tokens_nano_;
  if (missing <= 0) return 0;
  return (missing + rate_nano_per_ms_ - 1) / rate_nano_per_ms_;  // round up
}

bool TokenBucket::try_acquire(std::uint64_t now_ms, std::uint32_t n) {
  refill(now_ms);
  const std::int64_t need = static_cast<std::int64_t>(n) * kNanoPerToken;
  if (tokens_nano_ < need) return false;
  tokens_nano_ -= need;
  return true;
}

std::optional<std::uint64_t> TokenBucket::reserve(std::uint64_t now_ms, std::uint32_t n,
                                                  std::uint64_t max_wait_ms) {
  refill(now_ms);
  const std::int64_t need = static_cast<std::int64_t>(n) * kNanoPerToken;
  if (need > capacity_nano_) return std::nullopt;  // could never be satisfied
  const std::int64_t wait = wait_ms_for(need);
  if (static_cast<std::uint64_t>(wait) > max_wait_ms) return std::nullopt;
  tokens_nano_ -= need;
  return static_cast<std::uint64_t>(wait);
}

std::uint64_t TokenBucket::ms_until_available(std::uint64_t now_ms, std::uint32_t n) {
  refill(now_ms);
  const std::int64_t need = static_cast<std::int64_t>(n) * kNanoPerToken;
  if (need > capacity_nano_) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(wait_ms_for(need));
}

double TokenBucket::pressure(std::uint64_t now_ms) {
  refill(now_ms);
  if (tokens_nano_ <= 0) return 1.0;
  return 1.0 - static_cast<double>(tokens_nano_) / static_cast<double>(capacity_nano_);
}

std::uint64_t TokenBucket::available(std::uint64_t now_ms) {
  refill(now_ms);
  return tokens_nano_ <= 0 ? 0 : static_cast<std::uint64_t>(tokens_nano_ / kNanoPerToken);
}

void TokenBucket::reconfigure(TokenBucketConfig config, std::uint64_t now_ms) {
  refill(now_ms);
  assert(config.rate_per_s > 0 && config.burst_tokens >= 1);
  config_ = config;
  rate_nano_per_ms_ = std::max<std::int64_t>(1, std::llround(config.rate_per_s * 1e6));
  capacity_nano_ = to_nano(std::max(1.0, config.burst_tokens));
  tokens_nano_ = std::min(tokens_nano_, capacity_nano_);
}

}  // namespace vsm
