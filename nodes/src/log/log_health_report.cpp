#include "log/log_health_report.hpp"

#include <spdlog/spdlog.h>

namespace vsm::detail {

void LogHealthReport::on_result(const Status& result, std::size_t events,
                                std::string_view consequence, std::uint64_t now_ms) {
  if (result) {
    if (!failing_) return;
    failing_ = false;
    if (reported_) {
      spdlog::info("vsm: node {} event log writable again for {} after {} failed event(s); "
                   "resumed", node_, what_, failed_now_);
    }
    return;
  }
  failed_events_ += events;
  if (failing_) {
    failed_now_ += events;
    return;
  }
  failing_ = true;
  ++failures_;
  failed_now_ = events;
  reported_ = now_ms >= next_report_ms_;
  if (!reported_) {
    ++unreported_;
    return;
  }
  next_report_ms_ = now_ms + kReportIntervalMs;
  std::string flaps;
  if (unreported_ > 0) {
    flaps = " (" + std::to_string(unreported_) + " earlier failure(s) not reported)";
    unreported_ = 0;
  }
  spdlog::error("vsm: node {} cannot write {} to its event log, {} until it can{}: {}", node_,
                what_, consequence, flaps, result.error().to_string());
}

}  // namespace vsm::detail
