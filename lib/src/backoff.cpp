#include "vsm/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace vsm {

ExponentialBackoff::ExponentialBackoff(BackoffConfig config, std::uint64_t seed)
    : ExponentialBackoff(config, [state = seed]() mutable {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);  // splitmix64
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
      }) {}

ExponentialBackoff::ExponentialBackoff(BackoffConfig config, RandomSource random)
    : config_(config), random_(std::move(random)) {
  config_.multiplier = std::max(1.0, config_.multiplier);
  config_.initial_delay_ms = std::min(config_.initial_delay_ms, config_.max_delay_ms);
}

std::uint64_t ExponentialBackoff::ceiling_ms(std::uint32_t attempt) const noexcept {
  const double c = static_cast<double>(config_.initial_delay_ms) *
                   std::pow(config_.multiplier, static_cast<double>(attempt));
  const double max = static_cast<double>(config_.max_delay_ms);
  if (!(c < max)) return config_.max_delay_ms;  // also catches inf
  return static_cast<std::uint64_t>(c);
}

std::uint64_t ExponentialBackoff::next_delay_ms() {
  const std::uint64_t ceiling = ceiling_ms(attempts_);
  if (attempts_ < std::numeric_limits<std::uint32_t>::max()) ++attempts_;
  if (ceiling == std::numeric_limits<std::uint64_t>::max()) return random_();
  // Modulo bias is below ceiling / 2^64: irrelevant for millisecond delays.
  return random_() % (ceiling + 1);
}

}  // namespace vsm
