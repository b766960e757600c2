#include "telemetry/alert_watch.hpp"

#include <chrono>

#include "telemetry/telemetry_reports.hpp"

namespace vsm::detail {

bool AlertWatch::add(std::shared_future<DeliveryReport> report) {
  if (pending_.size() >= kMaxPending || !report.valid()) return false;
  pending_.push_back(std::move(report));
  return true;
}

void AlertWatch::poll(std::uint64_t now_ms, std::vector<TelemetryEvent>& out) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ++it;
      continue;
    }
    const DeliveryReport& r = it->get();
    out.push_back(alert_settled_report(r));
    const auto silent = r.peers.size() - r.delivered_count();
    if (silent > 0) {
      std::lock_guard lock(mu_);
      unconfirmed_.emplace_back(now_ms, silent);
      if (unconfirmed_.size() > kMaxUnconfirmed) unconfirmed_.pop_front();
    }
    it = pending_.erase(it);
  }
}

void AlertWatch::note_alert(AlertSummary alert) {
  std::lock_guard lock(mu_);
  recent_.push_back(std::move(alert));
  if (recent_.size() > kMaxRecent) recent_.pop_front();
}

std::vector<AlertSummary> AlertWatch::recent() const {
  std::lock_guard lock(mu_);
  return {recent_.begin(), recent_.end()};
}

std::uint64_t AlertWatch::unconfirmed_since(std::uint64_t since_ms) const {
  std::lock_guard lock(mu_);
  std::uint64_t n = 0;
  for (const auto& [ms, peers] : unconfirmed_) n += ms >= since_ms ? peers : 0;
  return n;
}

}  // namespace vsm::detail
