#include "health_tracker.hpp"

#include <spdlog/spdlog.h>

namespace vsm::persist::detail {

HealthTracker::HealthTracker(std::string log_name, std::uint64_t retry_interval_ms)
    : name_(std::move(log_name)), retry_interval_ms_(retry_interval_ms) {}

std::optional<Error> HealthTracker::fail_fast(std::uint64_t now_ms) const {
  if (!failing_ || now_ms >= retry_at_ms_) return std::nullopt;
  return error_;
}

void HealthTracker::on_failure(Op op, const Error& error, std::uint64_t now_ms) {
  ++write_errors_;
  ++attempts_;
  retry_at_ms_ = now_ms + retry_interval_ms_;
  error_ = error;
  if (failing_) {
    if (op == Op::kSync) failed_op_ = Op::kSync;  // a retry must then sync too
    return;
  }
  failing_ = true;
  failed_op_ = op;
  spdlog::warn(
      "event log {}: {} failed: {}; appends fail with this error, retried every {} ms until "
      "it succeeds (LogStats::health)",
      name_, op == Op::kSync ? "fdatasync" : "write", error.to_string(), retry_interval_ms_);
}

void HealthTracker::on_success(bool wrote, bool synced) {
  if (!failing_) return;
  const bool healed = failed_op_ == Op::kSync ? synced : wrote;
  if (!healed) return;
  failing_ = false;
  ++recoveries_;
  spdlog::info("event log {}: writes succeed again after {} failed attempt(s); healthy", name_,
               attempts_);
  attempts_ = 0;
}

void HealthTracker::fill(LogStats& out) const {
  out.health = failing_ ? LogHealth::kFailing : LogHealth::kHealthy;
  out.last_error = error_ ? error_->to_string() : std::string();
  out.write_errors = write_errors_;
  out.failed_appends = failed_appends_;
  out.recoveries = recoveries_;
}

}  // namespace vsm::persist::detail
