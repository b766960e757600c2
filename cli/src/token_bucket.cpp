#include "token_bucket.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>
#include <thread>

namespace vsmcat {

TokenBucket::TokenBucket(double rate_per_s, double burst)
    : rate_per_s_(rate_per_s), burst_(burst), tokens_(1.0), last_(Clock::now()) {
  assert(rate_per_s > 0 && burst >= 1);
}

void TokenBucket::acquire() {
  auto refill = [this] {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_per_s_);
  };
  refill();
  if (tokens_ < 1.0) {
    std::this_thread::sleep_for(std::chrono::duration<double>((1.0 - tokens_) / rate_per_s_));
    refill();
  }
  tokens_ -= 1.0;  // may go slightly negative after an early wake-up; repaid next time
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
