#include "progress_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace vsmcat {
namespace {

std::string duration(double s) {
  const auto t = static_cast<std::uint64_t>(s + 0.5);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(t / 3600),
                  static_cast<unsigned long long>(t / 60 % 60),
                  static_cast<unsigned long long>(t % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(t / 60),
                  static_cast<unsigned long long>(t % 60));
  }
  return buf;
}

std::string amount(std::uint64_t v, const std::string& unit) {
  if (unit == "bytes")
    return v >= (1u << 20) ? std::to_string(v >> 20) + " MiB"
                           : std::to_string((v + 1023) >> 10) + " KiB";
  return std::to_string(v) + " " + unit;
}

}  // namespace

std::string format_progress(const ProgressFigures& f) {
  std::string s = f.label + ":";
  if (f.counts_events) s += " " + std::to_string(f.count) + " events";
  if (f.total == 0) {
    if (f.elapsed_s > 0) {
      char rate[32];
      std::snprintf(rate, sizeof rate, " (%.0f/s)", static_cast<double>(f.count) / f.elapsed_s);
      s += rate;
    }
    return s;
  }
  const std::uint64_t pos = std::min(f.position, f.total);
  s += (f.counts_events ? ", " : " ") + std::to_string(pos * 100 / f.total) + "% of " +
       amount(f.total, f.unit);
  if (pos > 0 && pos < f.total) {
    const double left = f.elapsed_s * static_cast<double>(f.total - pos) / static_cast<double>(pos);
    s += ", ETA " + duration(left);
  } else if (pos >= f.total) {
    s += ", done in " + duration(f.elapsed_s);
  }
  return s;
}

ProgressLine::ProgressLine(std::string label, bool counts_events, std::uint64_t check_every)
    : enabled_(::isatty(STDERR_FILENO) != 0),
      check_every_(std::max<std::uint64_t>(1, check_every)),
      start_(std::chrono::steady_clock::now()),
      next_draw_(start_) {
  f_.label = std::move(label);
  f_.counts_events = counts_events;
}

ProgressLine::~ProgressLine() { finish(false); }

void ProgressLine::set_total(std::uint64_t total, std::string unit) {
  f_.total = total;
  f_.unit = std::move(unit);
}

void ProgressLine::update(std::uint64_t count, std::uint64_t position) {
  f_.count = count;
  f_.position = position;
  // Checking the clock costs ~20 ns; every 64th call is enough for per-event updates.
  if (!enabled_ || (calls_++ % check_every_) != 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_draw_) return;
  next_draw_ = now + std::chrono::milliseconds(kIntervalMs);
  draw();
}

void ProgressLine::finish(bool complete) {
  if (!drawn_) return;
  if (complete) f_.position = f_.total;
  draw();
  std::fputc('\n', stderr);
  drawn_ = false;
  enabled_ = false;
}

void ProgressLine::draw() {
  f_.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "\r%s\x1b[K", format_progress(f_).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace vsmcat
