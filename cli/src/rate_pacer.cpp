#include "rate_pacer.hpp"
#include "vsm/monotonic_clock.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>

namespace vsmcat {
RatePacer::RatePacer(double rate_per_s, double burst)
    : bucket_(vsm::TokenBucketConfig{rate_per_s, burst}, vsm::monotonic_ms()) {}

void RatePacer::acquire() {
  for (;;) {
    const auto now = vsm::monotonic_ms();
    if (bucket_.try_acquire(now)) return;
    const auto wait = std::max<std::uint64_t>(1, bucket_.ms_until_available(now));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

std::optional<double> parse_rate(std::string_view text) {
  if (text.ends_with("/s")) text.remove_suffix(2);
  if (text.empty()) return std::nullopt;
  std::string s(text);
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != s.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

}  // namespace vsmcat
