// Pacing for `vsmcat pub --rate`: acquire() sleeps until the shared vsm::TokenBucket has
// a token (no busy loop). The bucket holds up to `burst` tokens so short stalls are
// caught up without exceeding the average rate. Not thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "vsm/token_bucket.hpp"

namespace vsmcat {

class RatePacer {
 public:
  // REQUIRES: rate_per_s > 0, burst >= 1.
  RatePacer(double rate_per_s, double burst);
  // Blocks until one token is available and takes it.
  void acquire();

 private:
  vsm::TokenBucket bucket_;
};

// "500", "500/s", "2.5/s" -> events per second; empty optional if not a positive rate.
std::optional<double> parse_rate(std::string_view text);

}  // namespace vsmcat
