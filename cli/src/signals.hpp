// SIGINT/SIGTERM handling for the whole process. install_signal_handling() blocks both
// signals in the calling thread (so every thread created later inherits the mask) and
// starts a detached thread that sigwait()s for them; SIGPIPE is ignored so a closed
// stdout shows up as a write error instead of killing the process.
// While a StopOnSignal lives, the first signal runs its action (e.g. wake a blocking
// loop); without one, or on a second signal, the process exits with 128 + signal.
// Thread-safety: all functions may be called from any thread.
#pragma once

#include <functional>

namespace vsmcat {

// REQUIRES: called once, first thing in main(), before any thread is started.
void install_signal_handling();

// True once SIGINT or SIGTERM has arrived.
bool stop_requested() noexcept;

class StopOnSignal {
 public:
  // `action` runs on the signal thread; it must be quick and thread-safe.
  explicit StopOnSignal(std::function<void()> action);
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
};

}  // namespace vsmcat
