#include "variety_config_toml.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>

#include "toml_value.hpp"
#include "vsm/flow_rules.hpp"
#include "vsm/role.hpp"

namespace vsmcat {
namespace {

using vsm::NodeConfig;
using vsm::Status;

// One key of a variety table: Value's typed getters (toml_value.hpp: they name the file,
// table and key in errors) and the forms only these tables use.
class Field : public Value {
 public:
  using Value::Value;
  using Value::number;
  // A finite number >= `min` (integers are accepted).
  Status number(double& out, double min = 0) const {
    auto v = node().value<double>();
    if (!v || !std::isfinite(*v) || *v < min) {
      return error("must be a number >= " + std::to_string(min));
    }
    out = *v;
    return {};
  }
  template <typename Int>
  Status integer(Int& out, std::int64_t min = 0) const {
    return get_int(out, min);
  }
  Status strings(std::vector<std::string>& out) const {
    if (node().as_array() == nullptr) return error("must be an array of strings");
    return get(out);
  }
  // An inline table of name -> number (>= 0).
  template <typename Fn>
  Status numbers(Fn&& put) const {
    const toml::table* t = node().as_table();
    if (t == nullptr) return error("must be a table of name = number");
    for (const auto& [k, v] : *t) {
      auto n = v.template value<double>();
      if (!n || !std::isfinite(*n) || *n < 0) return error("values must be numbers >= 0");
      if (auto st = put(k.str(), *n); !st) return st;
    }
    return {};
  }
};

template <typename T>
struct TableKey {
  std::string_view name;
  Status (*apply)(const Field&, T&);
};

// Applies every key of table `name` in `root` through `keys` (unknown keys are errors).
template <typename T, std::size_t N>
Status apply_table(const toml::table& root, std::string_view name, const TableKey<T> (&keys)[N],
                   const std::string& path, T& target) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return {};
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    return vsm::Error::invalid("config '" + path + "': [" + std::string(name) + "] must be a table");
  }
  for (const auto& [key, value] : *table) {
    if (name == "variety" && key.str() == "compress") continue;  // [[variety.compress]]
    const Field f(value, name, key.str(), path);
    const TableKey<T>* found = nullptr;
    for (const auto& k : keys) {
      if (k.name == key.str()) found = &k;
    }
    if (found == nullptr) {
      std::string known;
      for (const auto& k : keys) known += (known.empty() ? "" : ", ") + std::string(k.name);
      return f.error("is not a known key (known: " + known + ")");
    }
    if (auto st = found->apply(f, target); !st) return st;
  }
  return {};
}

Status apply_policy(const Field& f, NodeConfig& c) {
  std::string s;
  if (auto st = f.get(s); !st) return st;
  if (s == "reject") {
    c.quotas.policy = vsm::QuotaPolicy::kReject;
  } else if (s == "delay") {
    c.quotas.policy = vsm::QuotaPolicy::kDelay;
  } else {
    return f.error("must be \"reject\" or \"delay\"");
  }
  return {};
}

Status apply_channel_rates(const Field& f, NodeConfig& c) {
  return f.numbers([&](std::string_view ch, double rate) -> Status {
    auto channel = vsm::parse_channel(ch);
    if (!channel) return f.error("names an unknown channel '" + std::string(ch) + "'");
    c.quotas.channel_rate_per_s[vsm::channel_index(*channel)] = rate;
    return {};
  });
}

constexpr TableKey<NodeConfig> kVarietyKeys[] = {
    {"quotas", [](const Field& f, NodeConfig& c) { return f.get(c.quotas_enabled); }},
    {"quota_policy", apply_policy},
    {"quota_max_delay_ms", [](const Field& f, NodeConfig& c) { return f.integer(c.quotas.max_delay_ms); }},
    {"quota_burst_ms", [](const Field& f, NodeConfig& c) { return f.integer(c.quotas.burst_ms, 1); }},
    {"s1_rate_per_s", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s1_rate_per_s); }},
    {"s2_rate_per_s", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s2_rate_per_s); }},
    {"s3_rate_per_s", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s3_rate_per_s); }},
    {"s3star_rate_per_s",
     [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s3star_rate_per_s); }},
    {"s4_rate_per_s", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s4_rate_per_s); }},
    {"s5_rate_per_s", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.s5_rate_per_s); }},
    {"unknown_role_rate_per_s",
     [](const Field& f, NodeConfig& c) { return f.number(c.quotas.unknown_role_rate_per_s); }},
    {"source_rate_per_s",
     [](const Field& f, NodeConfig& c) {
       return f.numbers([&](std::string_view src, double rate) -> Status {
         c.quotas.source_rate_per_s[std::string(src)] = rate;
         return {};
       });
     }},
    {"channel_rate_per_s", apply_channel_rates},
    {"max_tracked_sources",
     [](const Field& f, NodeConfig& c) { return f.integer(c.quotas.max_tracked_sources, 1); }},
    {"aimd", [](const Field& f, NodeConfig& c) { return f.get(c.quotas.aimd_enabled); }},
    {"aimd_interval_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.quotas.aimd_interval_ms, 1); }},
    {"aimd_high_pressure",
     [](const Field& f, NodeConfig& c) { return f.number(c.quotas.aimd_high_pressure); }},
    {"aimd_decrease", [](const Field& f, NodeConfig& c) { return f.number(c.quotas.aimd_decrease); }},
    {"aimd_increase_per_s",
     [](const Field& f, NodeConfig& c) { return f.number(c.quotas.aimd_increase_per_s); }},
    {"aimd_min_rate_per_s",
     [](const Field& f, NodeConfig& c) { return f.number(c.quotas.aimd_min_rate_per_s); }},
    {"compress_max_signatures",
     [](const Field& f, NodeConfig& c) { return f.integer(c.compression.max_signatures, 1); }},
};

constexpr TableKey<vsm::CompressionRule> kCompressKeys[] = {
    {"channel",
     [](const Field& f, vsm::CompressionRule& r) -> Status {
       std::string s;
       if (auto st = f.get(s); !st) return st;
       auto ch = vsm::parse_channel(s);
       if (!ch) return f.error("names an unknown channel '" + s + "'");
       r.channel = *ch;
       return {};
     }},
    {"type", [](const Field& f, vsm::CompressionRule& r) { return f.get(r.type); }},
    {"keys", [](const Field& f, vsm::CompressionRule& r) { return f.strings(r.keys); }},
    {"window_ms", [](const Field& f, vsm::CompressionRule& r) { return f.integer(r.window_ms, 1); }},
    {"max_events", [](const Field& f, vsm::CompressionRule& r) { return f.integer(r.max_events); }},
};

// [[variety.compress]]: one rule per array entry; "channel" is required.
Status apply_compress(const toml::table& root, const std::string& path, NodeConfig& cfg) {
  const toml::node* variety = root.get("variety");
  const toml::node* node = variety && variety->as_table() ? variety->as_table()->get("compress")
                                                          : nullptr;
  if (node == nullptr) return {};
  const toml::array* arr = node->as_array();
  auto bad = [&] {
    return vsm::Error::invalid("config '" + path + "': [[variety.compress]] must be an array of "
                               "tables (channel, type, keys, window_ms, max_events)");
  };
  if (arr == nullptr) return bad();
  for (const auto& item : *arr) {
    const toml::table* t = item.as_table();
    if (t == nullptr || !t->contains("channel")) return bad();
    toml::table wrapper;
    wrapper.insert("variety.compress", *t);
    vsm::CompressionRule rule;
    if (auto st = apply_table(wrapper, "variety.compress", kCompressKeys, path, rule); !st) return st;
    cfg.compression.rules.push_back(std::move(rule));
  }
  return {};
}

constexpr TableKey<NodeConfig> kFlowKeys[] = {
    {"allow",
     [](const Field& f, NodeConfig& c) -> Status {
       std::vector<std::string> rules;
       if (auto st = f.strings(rules); !st) return st;
       for (const auto& text : rules) {
         auto rule = vsm::parse_flow_rule(text);
         if (!rule) return f.error(rule.error().message());
         c.flow_rules.push_back(*rule);
       }
       return {};
     }},
};

constexpr TableKey<NodeConfig> kChaosKeys[] = {
    {"enabled", [](const Field& f, NodeConfig& c) { return f.get(c.chaos.enabled); }},
    {"seed", [](const Field& f, NodeConfig& c) { return f.integer(c.chaos.seed); }},
    {"max_rules", [](const Field& f, NodeConfig& c) { return f.integer(c.chaos.max_rules, 1); }},
    {"max_held", [](const Field& f, NodeConfig& c) { return f.integer(c.chaos.max_held, 1); }},
    {"max_duration_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.chaos.max_duration_ms, 1); }},
};

Status apply_strategy(const Field& f, NodeConfig& c) {
  std::string s;
  if (auto st = f.get(s); !st) return st;
  auto strategy = vsm::gossip::parse_partition_strategy(s);
  if (!strategy) {
    return f.error("must be static_quorum, dynamic_weights, vsm_health or manual");
  }
  c.partition.strategy = *strategy;
  return {};
}

Status apply_role_weights(const Field& f, NodeConfig& c) {
  return f.numbers([&](std::string_view name, double w) -> Status {
    auto role = vsm::parse_role(name);
    if (!role) return f.error("names an unknown role '" + std::string(name) + "'");
    c.partition.role_weights[*role] = w;
    return {};
  });
}

constexpr TableKey<NodeConfig> kPartitionKeys[] = {
    {"strategy", apply_strategy},
    {"expected_total_weight",
     [](const Field& f, NodeConfig& c) { return f.number(c.partition.expected_total_weight); }},
    {"default_weight",
     [](const Field& f, NodeConfig& c) { return f.number(c.partition.default_weight); }},
    {"node_weights",
     [](const Field& f, NodeConfig& c) {
       return f.numbers([&](std::string_view name, double w) -> Status {
         c.partition.node_weights[std::string(name)] = w;
         return {};
       });
     }},
    {"role_weights", apply_role_weights},
    {"require_s5", [](const Field& f, NodeConfig& c) { return f.get(c.partition.require_s5); }},
    {"require_s3", [](const Field& f, NodeConfig& c) { return f.get(c.partition.require_s3); }},
    {"pain_window_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.partition.pain_window_ms, 1); }},
    {"healing_hold_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.partition.healing_hold_ms); }},
    {"join_grace_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.partition.join_grace_ms); }},
    {"degraded_refuse_commands",
     [](const Field& f, NodeConfig& c) { return f.get(c.degraded_refuse_commands); }},
    {"reconcile", [](const Field& f, NodeConfig& c) { return f.get(c.reconcile); }},
    {"reconcile_max_ranges",
     [](const Field& f, NodeConfig& c) { return f.integer(c.reconcile_max_ranges, 1); }},
    {"reconcile_max_events",
     [](const Field& f, NodeConfig& c) { return f.integer(c.reconcile_max_events, 1); }},
    {"reconcile_timeout_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.reconcile_timeout_ms, 1); }},
};

// [gossip]: the membership's bounds and anti-entropy period (docs/GOSSIP.md).
constexpr TableKey<NodeConfig> kGossipKeys[] = {
    {"max_members",
     [](const Field& f, NodeConfig& c) { return f.integer(c.gossip.max_members, 1); }},
    {"max_gossip_connections",
     [](const Field& f, NodeConfig& c) { return f.integer(c.max_gossip_connections, 1); }},
    {"push_pull_interval_ms",
     [](const Field& f, NodeConfig& c) { return f.integer(c.gossip.push_pull_interval_ms, 1); }},
};

}  // namespace

Status apply_variety_tables(const toml::table& root, const std::string& path, NodeConfig& cfg) {
  if (auto st = apply_table(root, "variety", kVarietyKeys, path, cfg); !st) return st;
  if (auto st = apply_compress(root, path, cfg); !st) return st;
  if (auto st = apply_table(root, "flow", kFlowKeys, path, cfg); !st) return st;
  if (auto st = apply_table(root, "chaos", kChaosKeys, path, cfg); !st) return st;
  if (auto st = apply_table(root, "gossip", kGossipKeys, path, cfg); !st) return st;
  return apply_table(root, "partition", kPartitionKeys, path, cfg);
}

}  // namespace vsmcat
