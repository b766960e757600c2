// Clocks for benchmarks: CLOCK_MONOTONIC nanoseconds (comparable across processes on
// one machine, so a sender can stamp a payload and a receiver subtract) and a pacer
// that releases sends at a fixed rate on absolute deadlines (no drift).
// Thread-safety: now_ns() is; a Pacer belongs to one thread.
#pragma once

#include <sys/prctl.h>
#include <time.h>

#include <cstdint>

namespace vsm::bench {

inline std::int64_t now_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Sends at `rate_per_s`: wait() blocks until the next slot (clock_nanosleep on an
// absolute time). A late sender is not made to catch up in a burst beyond one slot,
// so a stall shows up as latency, not as a burst of back-to-back sends.
class Pacer {
 public:
  explicit Pacer(double rate_per_s)
      : interval_ns_(rate_per_s > 0 ? static_cast<std::int64_t>(1e9 / rate_per_s) : 0),
        next_ns_(now_ns()) {
    // The default 50 us timer slack would dominate a 100 us interval.
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  }

  // Returns the intended send time of this slot.
  std::int64_t wait() noexcept {
    if (interval_ns_ == 0) return now_ns();
    const std::int64_t slot = next_ns_;
    timespec ts{static_cast<time_t>(slot / 1'000'000'000),
                static_cast<long>(slot % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
    const std::int64_t now = now_ns();
    next_ns_ = (now - slot > interval_ns_) ? now + interval_ns_ : slot + interval_ns_;
    return slot;
  }

 private:
  std::int64_t interval_ns_;
  std::int64_t next_ns_;
};

}  // namespace vsm::bench
