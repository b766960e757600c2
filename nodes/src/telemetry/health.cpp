#include "telemetry/health.hpp"

#include <algorithm>
#include <cstdio>

#include "vsm/channel.hpp"

namespace vsm {

std::string_view viability_name(Viability v) noexcept {
  switch (v) {
    case Viability::kViable: return "viable";
    case Viability::kDegraded: return "degraded";
    case Viability::kNotViable: return "not_viable";
  }
  return "unknown";
}

std::optional<Viability> parse_viability(std::string_view name) noexcept {
  for (Viability v : {Viability::kViable, Viability::kDegraded, Viability::kNotViable}) {
    if (viability_name(v) == name) return v;
  }
  return std::nullopt;
}

namespace detail {
namespace {

class Verdict {
 public:
  void add(Viability v, std::string reason) {
    report_.state = std::max(report_.state, v);
    report_.reasons.push_back(std::move(reason));
  }
  HealthReport take() { return std::move(report_); }

 private:
  HealthReport report_;
};

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", fraction * 100.0);
  return buf;
}

void check_partition(const HealthInputs& in, Verdict& v) {
  using gossip::PartitionState;
  if (!in.gossip) return;
  const auto& p = in.partition;
  if (p.state == PartitionState::kDegraded) {
    v.add(Viability::kDegraded, "partition degraded: " + (p.reason.empty() ? "?" : p.reason));
  } else if (p.state == PartitionState::kHealing) {
    v.add(Viability::kDegraded, "partition healing (merging after a split)");
  }
}

void check_log(const HealthInputs& in, Verdict& v) {
  if (!in.log_enabled || in.log.health != persist::LogHealth::kFailing) return;
  v.add(Viability::kNotViable,
        "event log failing: " + (in.log.last_error.empty() ? "write errors" : in.log.last_error) +
            " (publishing waits for it)");
}

void check_load(const HealthInputs& in, const NodeConfig& c, Verdict& v) {
  const double fill = static_cast<double>(in.queue_depth) /
                      static_cast<double>(std::max<std::uint64_t>(1, in.queue_capacity));
  if (fill >= c.health_queue_fill_degraded) {
    v.add(Viability::kDegraded, "publish queue " + percent(fill) + " full");
  }
  for (Channel ch : kAllChannels) {
    const double p = in.pressure[channel_index(ch)];
    if (p >= c.telemetry_pressure_high) {
      v.add(Viability::kDegraded,
            "variety pressure " + percent(p) + " on " + std::string(channel_name(ch)));
    }
  }
}

}  // namespace

HealthReport evaluate_health(const HealthInputs& in, const NodeConfig& config) {
  Verdict v;
  if (!in.running) v.add(Viability::kNotViable, "node is not running");
  check_log(in, v);
  check_partition(in, v);
  for (const auto& [publisher, state] : in.breakers) {
    if (state == BreakerState::kOpen) {
      v.add(Viability::kDegraded, "gap repair from " + publisher + " failing (circuit open)");
    }
  }
  check_load(in, config, v);
  if (in.unconfirmed_alerts > 0) {
    v.add(Viability::kDegraded, std::to_string(in.unconfirmed_alerts) +
                                    " algedonic peer deliveries unconfirmed in the last " +
                                    std::to_string(config.health_alert_window_ms / 1000) + " s");
  }
  return v.take();
}

}  // namespace detail
}  // namespace vsm
