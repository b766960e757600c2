#include "vsm/gossip/suspicion.hpp"

#include <cmath>

namespace vsm::gossip {

Suspicion::Suspicion(std::uint64_t start_ms, std::uint64_t min_ms, std::uint64_t max_ms,
                     std::uint32_t k, std::string from)
    : start_ms_(start_ms), min_ms_(min_ms), max_ms_(max_ms < min_ms ? min_ms : max_ms), k_(k) {
  from_.insert(std::move(from));
}

bool Suspicion::confirm(const std::string& from) {
  if (confirmations_ >= k_) return false;
  if (!from_.insert(from).second) return false;
  ++confirmations_;
  return true;
}

std::uint64_t Suspicion::deadline_ms() const noexcept {
  if (k_ == 0) return start_ms_ + min_ms_;
  // Lifeguard: timeout = max - (max - min) * log(c + 1) / log(k + 1), floored at min.
  double frac = std::log(static_cast<double>(confirmations_) + 1.0) /
                std::log(static_cast<double>(k_) + 1.0);
  double timeout = static_cast<double>(max_ms_) -
                   static_cast<double>(max_ms_ - min_ms_) * frac;
  if (timeout < static_cast<double>(min_ms_)) timeout = static_cast<double>(min_ms_);
  return start_ms_ + static_cast<std::uint64_t>(timeout);
}

}  // namespace vsm::gossip
