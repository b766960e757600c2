// How long a node thread (reactor, sender) spins before it sleeps in zmq_poll, and how. Sleeping costs a
// publisher's eventfd write, a wake-up and a context switch per batch, and on a VM a
// halted vCPU takes tens of microseconds to wake: a node relaying a steady stream should
// not sleep between events. Spinning costs CPU, so the budget follows the stream:
//   - the average idle gap (time from running out of work to new work, EWMA) decides
//     whether to spin at all (gaps under kMaxNs, i.e. streams above ~7 k events/s) and
//     for how long (twice the average gap, at most kMaxNs); slower streams just sleep;
//   - the first kPauseNs spin with `pause` only (work often arrives from the other core
//     within microseconds), after that the reactor yields between checks, so a thread it
//     waits for that needs this very core can run;
//   - a yield that took longer than kLostCpuNs means other threads want this core: the
//     reactor sleeps now and spins with `pause` only for the next kNoYieldNs, so it does
//     not queue behind them for a time slice per event.
// Thread-safety: none; one per spinning thread (the reactor and the sender own one each).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace vsm::detail {

class IdleSpin {
 public:
  static constexpr std::int64_t kMaxNs = 150'000;
  static constexpr std::int64_t kPauseNs = 5'000;
  static constexpr std::int64_t kPollEveryNs = 5'000;  // zero-timeout socket polls
  static constexpr std::int64_t kLostCpuNs = 200'000;
  static constexpr std::int64_t kNoYieldNs = 20'000'000;

  // How long to spin in this idle period (0: sleep at once).
  std::int64_t budget_ns() const noexcept {
    if (avg_gap_ns_ >= kMaxNs) return 0;
    return std::min(kMaxNs, 2 * avg_gap_ns_ + kPauseNs);
  }

  // Waits a little between two checks, `spun_ns` into the spin that started at `start`.
  // False: stop spinning and sleep.
  bool relax(std::int64_t start, std::int64_t spun_ns) noexcept {
    if (spun_ns < kPauseNs) {
      pause();
      return true;
    }
    if (start < no_yield_until_ns_) return false;
    const std::int64_t t0 = now_ns();
    std::this_thread::yield();
    const std::int64_t t1 = now_ns();
    if (t1 - t0 < kLostCpuNs) return true;
    no_yield_until_ns_ = t1 + kNoYieldNs;
    return false;
  }

  // The idle period ended (work arrived) after `gap_ns`, spinning or sleeping.
  void idle_ended(std::int64_t gap_ns) noexcept {
    // Capped, so one long silence does not keep a new burst from spinning for long.
    avg_gap_ns_ += (std::min(gap_ns, 4 * kMaxNs) - avg_gap_ns_) / 8;
  }

  static std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  static void pause() noexcept {
    for (int i = 0; i < 16; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      asm volatile("yield");
#endif
    }
  }

  std::int64_t avg_gap_ns_ = kMaxNs;  // start out sleeping
  std::int64_t no_yield_until_ns_ = 0;
};

}  // namespace vsm::detail
