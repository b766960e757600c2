// A progress line on stderr for long runs, drawn only when stderr is a terminal and at
// most every kIntervalMs, so piping stays clean and fast:
//   "\rreplayed: 120000 events, 12% of 1000000 records, ETA 0:19"
//   "\rverify: 42% of 286 MiB, ETA 0:07"          (counting no events)
//   "\rreplayed: 120000 events (40000/s)"          (total unknown)
// Not thread-safe: one owner updates it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vsmcat {

// What one progress line says; format_progress() is pure, for tests.
struct ProgressFigures {
  std::string label;             // "replayed"
  bool counts_events = true;     // show "<count> events"
  std::uint64_t count = 0;       // events done
  std::uint64_t position = 0;    // of `total`, in `unit`
  std::uint64_t total = 0;       // 0: unknown (no percentage, no ETA)
  std::string unit = "records";  // "bytes" is shown in MiB (KiB below 1 MiB)
  double elapsed_s = 0;
};
std::string format_progress(const ProgressFigures& f);

class ProgressLine {
 public:
  // `check_every`: look at the clock on every n-th update() only (1 for callers that
  // update rarely, e.g. once per log segment).
  explicit ProgressLine(std::string label, bool counts_events = true,
                        std::uint64_t check_every = 64);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The amount of work (e.g. records in the range, bytes to check); 0 = unknown.
  void set_total(std::uint64_t total, std::string unit);
  // `count` events done so far and the position reached of the total; cheap when not
  // drawing.
  void update(std::uint64_t count, std::uint64_t position = 0);
  // Draws the final figures and ends the line (only if anything was drawn); `complete`:
  // the whole total was gone through. Idempotent.
  void finish(bool complete = true);

 private:
  static constexpr int kIntervalMs = 250;
  void draw();

  ProgressFigures f_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t check_every_;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point next_draw_;
};

}  // namespace vsmcat
