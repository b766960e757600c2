// A progress line on stderr for long runs ("\rreplay: 120000 events"), drawn only when
// stderr is a terminal and at most every kIntervalMs, so piping stays clean and fast.
// Not thread-safe: one owner updates it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vsmcat {

class ProgressLine {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `count` events done so far; cheap when not drawing.
  void update(std::uint64_t count);
  // Draws the final count and ends the line (only if anything was drawn). Idempotent.
  void finish();

 private:
  static constexpr int kIntervalMs = 250;
  void draw();

  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t count_ = 0;
  std::chrono::steady_clock::time_point next_draw_;
};

}  // namespace vsmcat
