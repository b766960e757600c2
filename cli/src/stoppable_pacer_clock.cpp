#include "stoppable_pacer_clock.hpp"

namespace vsmcat {

std::chrono::steady_clock::time_point StoppablePacerClock::now() const {
  return std::chrono::steady_clock::now();
}

void StoppablePacerClock::sleep_until(std::chrono::steady_clock::time_point t) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, t, [this] { return stopped_; });
}

void StoppablePacerClock::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

}  // namespace vsmcat
