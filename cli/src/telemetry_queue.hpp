// Hands telemetry reports from the node's telemetry thread to the thread that prints them
// (`vsmcat sub --telemetry`): bounded (kCapacity; further reports are dropped and counted,
// the node's thread never waits), pop() waits with a deadline, close() wakes it for good.
// Thread-safety: push() and close() from any thread, pop() from one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "vsm/telemetry.hpp"

namespace vsmcat {

class TelemetryQueue {
 public:
  static constexpr std::size_t kCapacity = 65'536;

  void push(const vsm::TelemetryEvent& e) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      if (q_.size() >= kCapacity) {
        ++dropped_;
        return;
      }
      q_.push_back(e);
    }
    cv_.notify_one();
  }
  // The next report into `out`; false after `wait` without one or once closed.
  bool pop(vsm::TelemetryEvent& out, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return closed_ || !q_.empty(); }) || closed_) return false;
    out = std::move(q_.front());
    q_.pop_front();
    return true;
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  std::uint64_t dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<vsm::TelemetryEvent> q_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace vsmcat
