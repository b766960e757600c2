// Reports the health of one kind of append to the node's event log (published events,
// or received ones with log_received): one line when appends start failing and one when
// they succeed again, never one per event or batch. A log that flaps gets at most one
// "failing" line per kReportIntervalMs; transitions left unreported meanwhile are counted
// and named by the next line. The event log itself also reports its own health once per
// transition (persist/, LogStats::health); this says what the node does about it.
// Not thread-safe: one caller at a time (the pipeline lock, or the reactor thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm::detail {

class LogHealthReport {
 public:
  static constexpr std::uint64_t kReportIntervalMs = 10'000;

  // `node`: the node's name; `what`: the appends ("published events").
  LogHealthReport(std::string node, std::string what)
      : node_(std::move(node)), what_(std::move(what)) {}

  // The outcome of one append of `events` events at now_ms; `consequence` says what the
  // node does with events while the log fails ("holding them", "sending them unlogged").
  void on_result(const Status& result, std::size_t events, std::string_view consequence,
                 std::uint64_t now_ms);

  bool failing() const noexcept { return failing_; }
  // Events whose append failed, since construction.
  std::uint64_t failed_events() const noexcept { return failed_events_; }
  // Transitions to failing (whether reported or not).
  std::uint64_t failures() const noexcept { return failures_; }

 private:
  const std::string node_;
  const std::string what_;
  bool failing_ = false;
  bool reported_ = false;          // the current failing period was reported
  std::uint64_t next_report_ms_ = 0;
  std::uint64_t unreported_ = 0;   // failing periods not reported (rate limit)
  std::uint64_t failed_now_ = 0;   // events failed in the current period
  std::uint64_t failed_events_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace vsm::detail
