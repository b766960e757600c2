// Follows the delivery reports of the alerts this node raised until they resolve, for the
// algedonic_confirmed / _unconfirmed reports and the health rule on unconfirmed deliveries
// (telemetry/health.hpp); and keeps the last alerts this node raised or received, for
// `vsmcat status`. Bounded: at most kMaxPending reports are followed (further ones are
// counted, not followed), kMaxRecent alerts and kMaxUnconfirmed settle times are kept.
// Thread-safety: add()/poll()/pending() on the telemetry thread; note_alert(),
// recent() and unconfirmed_since() from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "vsm/algedonic.hpp"
#include "vsm/telemetry.hpp"

namespace vsm::detail {

struct AlertSummary {
  std::string id;
  std::uint64_t wall_ms = 0;  // the alert's ts.wall_ms
  std::string source;
  Severity severity = Severity::kLow;
  Signal signal = Signal::kPain;
  std::string description;
  bool raised_here = false;  // raised by this node (else received)
};

class AlertWatch {
 public:
  static constexpr std::size_t kMaxPending = 256;
  static constexpr std::size_t kMaxRecent = 16;
  static constexpr std::size_t kMaxUnconfirmed = 1'024;

  // Follows `report`; false when kMaxPending are followed already.
  bool add(std::shared_future<DeliveryReport> report);
  // Appends a report for each followed alert whose delivery report is ready.
  void poll(std::uint64_t now_ms, std::vector<TelemetryEvent>& out);
  bool pending() const noexcept { return !pending_.empty(); }

  void note_alert(AlertSummary alert);
  std::vector<AlertSummary> recent() const;  // newest last
  // Peer deliveries given up at or after `since_ms`.
  std::uint64_t unconfirmed_since(std::uint64_t since_ms) const;

 private:
  std::vector<std::shared_future<DeliveryReport>> pending_;  // telemetry thread
  mutable std::mutex mu_;                                    // guards the two below
  std::deque<AlertSummary> recent_;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> unconfirmed_;  // (ms, peers)
};

}  // namespace vsm::detail
