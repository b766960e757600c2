// Paces a replay: original timing (speed 1), scaled (speed 2 = twice as fast), or as
// fast as possible (speed 0). Sans-I/O core: delay_for() is pure; pace() asks the
// injected PacerClock to sleep, so tests run instantly with a fake clock.
// Not thread-safe (one pacer per replay).
//
//   ReplayPacer pacer(ReplayPacer::Options{.speed = 2.0});
//   log->replay(q, [&](const LogEntry& e) { pacer.pace(e.event.ts.wall_ms); emit(e); return true;
//   });
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace vsm::persist {

class PacerClock {
 public:
  virtual ~PacerClock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual void sleep_until(std::chrono::steady_clock::time_point t) = 0;
};

// The real steady clock and this_thread::sleep_until.
PacerClock& system_pacer_clock();

class ReplayPacer {
 public:
  struct Options {
    double speed = 1.0;            // 0 = as fast as possible; 1 = original pacing
    std::uint64_t max_gap_ms = 0;  // cap one wait (after scaling); 0 = no cap
  };
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit ReplayPacer(Options options, PacerClock& clock = system_pacer_clock());

  // How long to wait, at `now`, before emitting an event stamped `wall_ms`. The first
  // event is due at once; later ones keep their original spacing divided by speed.
  // Events stamped earlier than the previous one are due at once.
  std::chrono::nanoseconds delay_for(std::uint64_t wall_ms, TimePoint now);
  // delay_for() at the clock's now, then sleeps that long.
  void pace(std::uint64_t wall_ms);

  double speed() const noexcept { return options_.speed; }

 private:
  Options options_;
  PacerClock& clock_;
  std::optional<std::uint64_t> last_wall_ms_;
  TimePoint due_{};  // when the previous event was due
};

}  // namespace vsm::persist
