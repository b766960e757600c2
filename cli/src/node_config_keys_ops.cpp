// The operator's [node] keys (docs/CLI.md "Configuration file"): the metrics endpoint,
// telemetry and health thresholds, duplicate suppression, variety quotas and partition
// detection. Each key sets the NodeConfig field of (nearly) the same name.
#include <limits>

#include "toml_value.hpp"
#include "vsm/channel.hpp"
#include "vsm/role.hpp"

namespace vsmcat {
namespace {

using vsm::NodeConfig;
using vsm::Status;

constexpr double kMaxRate = 1e9;  // events per second: far beyond anything real

Status ratio(const Value& v, double& out) { return v.number(out, 0.0, 1.0); }
Status rate(const Value& v, double& out) { return v.number(out, 0.0, kMaxRate); }

Status apply_quota_policy(const Value& v, NodeConfig& c) {
  std::string s;
  if (auto st = v.get(s); !st) return st;
  if (s == "reject") {
    c.quotas.policy = vsm::QuotaPolicy::kReject;
  } else if (s == "delay") {
    c.quotas.policy = vsm::QuotaPolicy::kDelay;
  } else {
    return v.error("'" + s + "' is not a quota policy (reject, delay)");
  }
  return {};
}

// A table of NAME = number, each name checked by `check` (empty = fine).
template <typename Check, typename Set>
Status number_table(const Value& v, double max, Check check, Set set) {
  const toml::table* t = v.node().as_table();
  if (t == nullptr) return v.error("must be a table of name = number, e.g. { \"s1.ops\" = 500 }");
  for (const auto& [key, value] : *t) {
    const std::string name(key.str());
    if (std::string why = check(name); !why.empty()) return v.error(why);
    auto n = value.template value<double>();
    if (!n || !(*n >= 0 && *n <= max)) return v.error("'" + name + "' must be a number >= 0");
    set(name, *n);
  }
  return {};
}

Status apply_source_rates(const Value& v, NodeConfig& c) {
  return number_table(
      v, kMaxRate,
      [](const std::string& n) {
        return vsm::is_valid_name(n) ? std::string() : "'" + n + "' is not a valid source name";
      },
      [&c](const std::string& n, double r) { c.quotas.source_rate_per_s[n] = r; });
}

Status apply_channel_rates(const Value& v, NodeConfig& c) {
  return number_table(
      v, kMaxRate,
      [](const std::string& n) {
        return vsm::parse_channel(n) ? std::string()
                                     : "'" + n +
                                           "' is not a channel (command, coordination, "
                                           "audit, algedonic, resource_bargain)";
      },
      [&c](const std::string& n, double r) {
        c.quotas.channel_rate_per_s[vsm::channel_index(*vsm::parse_channel(n))] = r;
      });
}

Status apply_role_weights(const Value& v, NodeConfig& c) {
  return number_table(
      v, 1e6,
      [](const std::string& n) {
        return vsm::parse_role(n) ? std::string()
                                  : "'" + n + "' is not a role (S1, S2, S3, S3*, S4, S5)";
      },
      [&c](const std::string& n, double w) { c.partition.role_weights[*vsm::parse_role(n)] = w; });
}

constexpr Key kOperatorKeys[] = {
    {"metrics_bind", [](const Value& v, NodeConfig& c) { return v.get(c.metrics_bind); }},
    {"telemetry_enabled", [](const Value& v, NodeConfig& c) { return v.get(c.telemetry_enabled); }},
    {"telemetry_max_per_s",
     [](const Value& v, NodeConfig& c) { return v.number(c.telemetry_max_per_s, 0.001, 1e6); }},
    {"telemetry_burst",
     [](const Value& v, NodeConfig& c) { return v.positive(c.telemetry_burst); }},
    {"telemetry_interval_ms",
     [](const Value& v, NodeConfig& c) { return v.positive(c.telemetry_interval_ms); }},
    {"telemetry_pressure_high",
     [](const Value& v, NodeConfig& c) { return ratio(v, c.telemetry_pressure_high); }},
    {"telemetry_pressure_low",
     [](const Value& v, NodeConfig& c) { return ratio(v, c.telemetry_pressure_low); }},
    {"health_queue_fill_degraded",
     [](const Value& v, NodeConfig& c) { return ratio(v, c.health_queue_fill_degraded); }},
    {"health_alert_window_ms",
     [](const Value& v, NodeConfig& c) { return v.positive(c.health_alert_window_ms); }},
    {"dedup_window_ids",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.dedup_window_ids); }},
    {"dedup_window_ms",
     [](const Value& v, NodeConfig& c) { return v.positive(c.dedup_window_ms); }},
    {"quotas_enabled", [](const Value& v, NodeConfig& c) { return v.get(c.quotas_enabled); }},
    {"quota_policy", apply_quota_policy},
    {"quota_max_delay_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.quotas.max_delay_ms); }},
    {"quota_burst_ms", [](const Value& v, NodeConfig& c) { return v.positive(c.quotas.burst_ms); }},
    {"quota_s1_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s1_rate_per_s); }},
    {"quota_s2_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s2_rate_per_s); }},
    {"quota_s3_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s3_rate_per_s); }},
    {"quota_s3star_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s3star_rate_per_s); }},
    {"quota_s4_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s4_rate_per_s); }},
    {"quota_s5_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.s5_rate_per_s); }},
    {"quota_unknown_role_rate_per_s",
     [](const Value& v, NodeConfig& c) { return rate(v, c.quotas.unknown_role_rate_per_s); }},
    {"quota_source_rates", apply_source_rates},
    {"quota_channel_rates", apply_channel_rates},
    {"quota_max_tracked_sources",
     [](const Value& v, NodeConfig& c) { return v.positive(c.quotas.max_tracked_sources); }},
    {"partition_expected_total_weight",
     [](const Value& v, NodeConfig& c) {
       return v.number(c.partition.expected_total_weight, 0.0, 1e9);
     }},
    {"partition_default_weight",
     [](const Value& v, NodeConfig& c) { return v.number(c.partition.default_weight, 0.0, 1e6); }},
    {"partition_role_weights", apply_role_weights},
    {"partition_require_s5",
     [](const Value& v, NodeConfig& c) { return v.get(c.partition.require_s5); }},
    {"partition_require_s3",
     [](const Value& v, NodeConfig& c) { return v.get(c.partition.require_s3); }},
    {"partition_healing_hold_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.partition.healing_hold_ms); }},
    {"partition_join_grace_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.partition.join_grace_ms); }},
};

}  // namespace

std::span<const Key> operator_keys() { return kOperatorKeys; }

}  // namespace vsmcat
