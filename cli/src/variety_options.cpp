#include "variety_options.hpp"

#include <charconv>
#include <cmath>

#include "vsm/flow_rules.hpp"
#include "vsm/gossip/partition_detector.hpp"

namespace vsmcat {
namespace {

// "NAME=RATE" with RATE a number >= 0 (events per second; 0 = unlimited).
bool parse_source_rate(const std::string& text, std::string& name, double& rate) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  name = text.substr(0, eq);
  const char* first = text.data() + eq + 1;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, rate);
  return ec == std::errc() && end == last && std::isfinite(rate) && rate >= 0;
}

}  // namespace

void add_variety_options(CLI::App& app, VarietyOptions& o) {
  app.add_flag("--quotas", o.quotas, "Enforce per-source and per-channel quotas ([variety])");
  app.add_option("--quota-policy", o.quota_policy, "Over quota: reject (default) or delay")
      ->check(CLI::IsMember({"reject", "delay"}));
  app.add_flag("--aimd", o.aimd, "Per-source quotas follow pressure (implies --quotas)");
  app.add_option("--source-rate", o.source_rates,
                 "Rate limit of one source, NAME=EVENTS_PER_S (repeatable; implies --quotas)")
      ->check([](const std::string& s) -> std::string {
        std::string name;
        double rate = 0;
        return parse_source_rate(s, name, rate) ? "" : "expected NAME=RATE with RATE >= 0";
      });
  app.add_option("--flow-rule", o.flow_rules,
                 "Extra flow rule CHANNEL:FROM->TO, TO a role or * (repeatable)")
      ->check([](const std::string& s) -> std::string {
        auto r = vsm::parse_flow_rule(s);
        return r ? "" : r.error().message();
      });
  app.add_flag("--chaos", o.chaos, "Allow fault injection through `vsmcat chaos` ([chaos])");
  app.add_option("--partition-strategy", o.partition_strategy,
                 "static_quorum, dynamic_weights, vsm_health or manual ([partition])")
      ->check([](const std::string& s) -> std::string {
        return vsm::gossip::parse_partition_strategy(s) ? "" : "unknown partition strategy";
      });
}

vsm::Status apply_variety_options(const VarietyOptions& o, vsm::NodeConfig& cfg) {
  if (o.quotas || o.aimd || !o.source_rates.empty()) cfg.quotas_enabled = true;
  if (!o.quota_policy.empty()) {
    cfg.quotas.policy = o.quota_policy == "delay" ? vsm::QuotaPolicy::kDelay : vsm::QuotaPolicy::kReject;
  }
  if (o.aimd) cfg.quotas.aimd_enabled = true;
  for (const auto& s : o.source_rates) {
    std::string name;
    double rate = 0;
    if (!parse_source_rate(s, name, rate)) return vsm::Error::invalid("--source-rate " + s);
    cfg.quotas.source_rate_per_s[name] = rate;
  }
  for (const auto& text : o.flow_rules) {
    auto rule = vsm::parse_flow_rule(text);
    if (!rule) return rule.error();
    cfg.flow_rules.push_back(*rule);
  }
  if (o.chaos) cfg.chaos.enabled = true;
  if (!o.partition_strategy.empty()) {
    auto s = vsm::gossip::parse_partition_strategy(o.partition_strategy);
    if (!s) return vsm::Error::invalid("--partition-strategy " + o.partition_strategy);
    cfg.partition.strategy = *s;
  }
  return {};
}

}  // namespace vsmcat
