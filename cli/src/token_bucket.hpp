// Token-bucket pacing for `vsmcat pub --rate`: acquire() sleeps until a token is
// available (no busy loop). The bucket holds up to `burst` tokens so short stalls are
// caught up without exceeding the average rate. Not thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace vsmcat {

class TokenBucket {
 public:
  // REQUIRES: rate_per_s > 0, burst >= 1.
  TokenBucket(double rate_per_s, double burst);
  // Blocks until one token is available and takes it.
  void acquire();

 private:
  using Clock = std::chrono::steady_clock;
  double rate_per_s_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

// "500", "500/s", "2.5/s" -> events per second; empty optional if not a positive rate.
std::optional<double> parse_rate(std::string_view text);

}  // namespace vsmcat
