#include "vsm/persist/replay_pacer.hpp"

#include <algorithm>
#include <thread>

namespace vsm::persist {
namespace {

class SystemPacerClock final : public PacerClock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  void sleep_until(std::chrono::steady_clock::time_point t) override {
    std::this_thread::sleep_until(t);
  }
};

}  // namespace

PacerClock& system_pacer_clock() {
  static SystemPacerClock clock;
  return clock;
}

ReplayPacer::ReplayPacer(Options options, PacerClock& clock) : options_(options), clock_(clock) {}

std::chrono::nanoseconds ReplayPacer::delay_for(std::uint64_t wall_ms, TimePoint now) {
  using std::chrono::nanoseconds;
  if (options_.speed <= 0.0) return nanoseconds(0);
  if (!last_wall_ms_) {
    last_wall_ms_ = wall_ms;
    due_ = now;
    return nanoseconds(0);
  }
  const std::uint64_t gap_ms = wall_ms > *last_wall_ms_ ? wall_ms - *last_wall_ms_ : 0;
  last_wall_ms_ = std::max(*last_wall_ms_, wall_ms);
  double gap_ns = static_cast<double>(gap_ms) * 1e6 / options_.speed;
  if (options_.max_gap_ms != 0)
    gap_ns = std::min(gap_ns, static_cast<double>(options_.max_gap_ms) * 1e6);
  // Schedule from the previous due time, not from now, so per-event overhead does not
  // accumulate as drift; but never schedule into the past after a stall.
  due_ = std::max(due_ + nanoseconds(static_cast<std::int64_t>(gap_ns)),
                  now - std::chrono::seconds(1));
  return due_ > now ? std::chrono::duration_cast<nanoseconds>(due_ - now) : nanoseconds(0);
}

void ReplayPacer::pace(std::uint64_t wall_ms) {
  const TimePoint now = clock_.now();
  const auto d = delay_for(wall_ms, now);
  if (d.count() > 0) clock_.sleep_until(now + d);
}

}  // namespace vsm::persist
