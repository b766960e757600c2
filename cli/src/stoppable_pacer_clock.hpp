// A PacerClock (vsm/persist/replay_pacer.hpp) whose sleeps end early once stop() is
// called, so a replay at original pacing stops promptly on SIGINT/SIGTERM instead of
// sleeping through a long recorded gap. Thread-safety: stop() from any thread
// (e.g. a StopOnSignal action); the rest from the replaying thread.
#pragma once

#include <condition_variable>
#include <mutex>

#include "vsm/persist/replay_pacer.hpp"

namespace vsmcat {

class StoppablePacerClock final : public vsm::persist::PacerClock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  void sleep_until(std::chrono::steady_clock::time_point t) override;
  // Wakes a sleep in progress; later sleeps return at once. Idempotent.
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace vsmcat
