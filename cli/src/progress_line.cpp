#include "progress_line.hpp"

#include <unistd.h>

#include <cstdio>

namespace vsmcat {

ProgressLine::ProgressLine(std::string label)
    : label_(std::move(label)),
      enabled_(::isatty(STDERR_FILENO) != 0),
      next_draw_(std::chrono::steady_clock::now() + std::chrono::milliseconds(kIntervalMs)) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::uint64_t count) {
  count_ = count;
  // Checking the clock costs ~20 ns; only every 64th event is enough.
  if (!enabled_ || (count & 63) != 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_draw_) return;
  next_draw_ = now + std::chrono::milliseconds(kIntervalMs);
  draw();
}

void ProgressLine::finish() {
  if (!drawn_) return;
  draw();
  std::fputc('\n', stderr);
  drawn_ = false;
  enabled_ = false;
}

void ProgressLine::draw() {
  std::fprintf(stderr, "\r%s: %llu events", label_.c_str(),
               static_cast<unsigned long long>(count_));
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace vsmcat
