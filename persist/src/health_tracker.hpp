// Health of the log's writes (docs/LOG_FORMAT.md "Errors that heal"), a sans-I/O state
// machine fed with the outcome of every write and sync and the time. While failing,
// appends fail fast with the stored error, without a syscall, until
// error_retry_interval_ms has passed; then one append tries again. A success of the
// kind of operation that failed heals it. Exactly one warning is logged when the log
// starts failing and one info line when it heals, never one per event.
// Not thread-safe: the EventLog calls it under its mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vsm/persist/log_stats.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

class HealthTracker {
 public:
  enum class Op { kWrite, kSync };

  HealthTracker(std::string log_name, std::uint64_t retry_interval_ms);

  // While failing and before the retry time: the error to fail an append with.
  // Empty when the append should try (healthy, or time to retry).
  std::optional<Error> fail_fast(std::uint64_t now_ms) const;
  bool failing() const noexcept { return failing_; }
  // True when the failure being retried was a sync: the retry syncs too.
  bool retry_needs_sync() const noexcept { return failing_ && failed_op_ == Op::kSync; }

  // One attempt of `op` failed at now_ms.
  void on_failure(Op op, const Error& error, std::uint64_t now_ms);
  // A write (and, when `synced`, a sync) succeeded.
  void on_success(bool wrote, bool synced);
  void count_failed_appends(std::uint64_t calls) noexcept { failed_appends_ += calls; }

  // Copies the health fields into `out`.
  void fill(LogStats& out) const;

 private:
  std::string name_;
  std::uint64_t retry_interval_ms_;
  bool failing_ = false;
  Op failed_op_ = Op::kWrite;
  std::optional<Error> error_;
  std::uint64_t retry_at_ms_ = 0;
  std::uint64_t attempts_ = 0;  // failed attempts in the current failing period
  std::uint64_t write_errors_ = 0;
  std::uint64_t failed_appends_ = 0;
  std::uint64_t recoveries_ = 0;
};

}  // namespace vsm::persist::detail
