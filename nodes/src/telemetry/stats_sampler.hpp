// The periodic half of telemetry: compares each NodeStats sample with the previous one and
// turns the differences into reports (flow, quota_throttled, variety_pressure, breaker,
// log_error) and per-second rates. At most one report per kind and channel per sample,
// so the periodic reports stay bounded whatever the load. Sans-I/O: the caller passes the
// samples and the time between them. Thread-safety: not thread-safe (the telemetry
// thread owns it).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vsm/node_config.hpp"
#include "vsm/node_stats.hpp"
#include "vsm/telemetry.hpp"

namespace vsm::detail {

struct ChannelRates {
  double published_per_s = 0;
  double delivered_per_s = 0;
  double dropped_per_s = 0;
};

class StatsSampler {
 public:
  explicit StatsSampler(const NodeConfig& config) : config_(config) {}

  // `now` was taken `interval_s` (> 0) after the previous sample; appends the reports the
  // change calls for to `out`. The first sample only sets the baseline.
  void sample(const NodeStats& now, double interval_s, std::vector<TelemetryEvent>& out);
  const std::array<ChannelRates, kChannelCount>& rates() const noexcept { return rates_; }

 private:
  void flow(const NodeStats& now, double interval_s, std::vector<TelemetryEvent>& out);
  void quotas(const NodeStats& now, std::vector<TelemetryEvent>& out);
  void breakers(const NodeStats& now, std::vector<TelemetryEvent>& out);
  void log(const NodeStats& now, std::vector<TelemetryEvent>& out);

  const NodeConfig& config_;
  std::optional<NodeStats> prev_;
  std::array<ChannelRates, kChannelCount> rates_{};
  std::array<bool, kChannelCount> pressure_high_{};
};

}  // namespace vsm::detail
