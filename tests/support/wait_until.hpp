// Waits for a condition with a deadline, re-checking on a short bounded interval.
// The only accepted way for tests to wait for something to happen.
#pragma once

#include <chrono>
#include <thread>

namespace vsm::test {

template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace vsm::test
