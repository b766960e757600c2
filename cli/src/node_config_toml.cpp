#include "node_config_toml.hpp"

// toml++'s internal assertions stay off (toml_value.hpp), as in Debian's release build of
// the library: some fire on malformed documents that the parser then refuses cleanly
// (e.g. "[,]", found by the node_config_toml fuzz target, which compiles toml++
// header-only).
#include "toml_value.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "toml_guard.hpp"
#include "variety_config_toml.hpp"
#include "vsm/role.hpp"

namespace vsmcat {
namespace {

using vsm::NodeConfig;
using vsm::Status;

Status apply_role(const Value& v, NodeConfig& c) {
  std::string r;
  if (auto st = v.get(r); !st) return st;
  auto role = vsm::parse_role(r);
  if (!role) return v.error("'" + r + "' is not a role (S1, S2, S3, S3*, S4, S5)");
  c.role = *role;
  return {};
}

Status apply_hwm(const Value& v, NodeConfig& c) {
  if (auto st = v.positive(c.send_hwm_msgs); !st) return st;
  c.recv_hwm_msgs = c.send_hwm_msgs;
  return {};
}

Status apply_fsync(const Value& v, NodeConfig& c) {
  using vsm::persist::FsyncPolicy;
  std::string s;
  if (auto st = v.get(s); !st) return st;
  if (s == "none") {
    c.log_options.fsync = FsyncPolicy::kNone;
  } else if (s == "interval") {
    c.log_options.fsync = FsyncPolicy::kInterval;
  } else if (s == "always") {
    c.log_options.fsync = FsyncPolicy::kAlways;
  } else {
    return v.error("'" + s + "' is not a fsync policy (none, interval, always)");
  }
  return {};
}

Status apply_log_failure_policy(const Value& v, NodeConfig& c) {
  std::string s;
  if (auto st = v.get(s); !st) return st;
  if (s == "block") {
    c.log_failure_policy = vsm::LogFailurePolicy::kBlock;
  } else if (s == "continue") {
    c.log_failure_policy = vsm::LogFailurePolicy::kContinue;
  } else {
    return v.error("'" + s + "' is not a log failure policy (block, continue)");
  }
  return {};
}

// Every [node] key. Endpoint syntax is checked later, for flags and file alike
// (build_node_config); the node checks dish_bind and cluster_key when it starts.
constexpr Key kKeys[] = {
    {"name", [](const Value& v, NodeConfig& c) { return v.get(c.name); }},
    {"role", apply_role},
    {"bind", [](const Value& v, NodeConfig& c) { return v.get(c.pub_bind); }},
    {"advertise", [](const Value& v, NodeConfig& c) { return v.get(c.pub_advertise); }},
    {"peers", [](const Value& v, NodeConfig& c) { return v.get(c.peers); }},
    {"hwm", apply_hwm},
    {"send_hwm", [](const Value& v, NodeConfig& c) { return v.positive(c.send_hwm_msgs); }},
    {"recv_hwm", [](const Value& v, NodeConfig& c) { return v.positive(c.recv_hwm_msgs); }},
    {"linger_ms", [](const Value& v, NodeConfig& c) { return v.positive(c.linger_ms); }},
    {"departed_publisher_grace_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.departed_publisher_grace_ms); }},
    {"publish_queue_capacity",
     [](const Value& v, NodeConfig& c) { return v.positive(c.publish_queue_capacity); }},
    {"publish_block_timeout_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.publish_block_timeout_ms); }},
    {"publish_inline", [](const Value& v, NodeConfig& c) { return v.get(c.publish_inline); }},
    {"validate_flow", [](const Value& v, NodeConfig& c) { return v.get(c.validate_flow); }},
    {"max_event_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.limits.max_event_bytes); }},
    {"control_bind", [](const Value& v, NodeConfig& c) { return v.get(c.control_bind); }},
    {"dish_bind", [](const Value& v, NodeConfig& c) { return v.get(c.dish_bind); }},
    {"dish_peers", [](const Value& v, NodeConfig& c) { return v.get(c.dish_peers); }},
    {"cluster_key", [](const Value& v, NodeConfig& c) { return v.get(c.cluster_key); }},
    {"gossip_bind", [](const Value& v, NodeConfig& c) { return v.get(c.gossip_bind); }},
    {"seeds", [](const Value& v, NodeConfig& c) { return v.get(c.seeds); }},
    {"log_dir", [](const Value& v, NodeConfig& c) { return v.get(c.log_dir); }},
    {"log_received", [](const Value& v, NodeConfig& c) { return v.get(c.log_received); }},
    {"log_fsync", apply_fsync},
    {"log_fsync_interval_ms",
     [](const Value& v, NodeConfig& c) { return v.positive(c.log_options.fsync_interval_ms); }},
    {"log_segment_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.log_options.segment_bytes); }},
    {"log_retention_bytes",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.log_options.retention_bytes); }},
    {"log_retention_age_ms",
     [](const Value& v, NodeConfig& c) { return v.non_negative(c.log_options.retention_age_ms); }},
    {"log_hash_chain",
     [](const Value& v, NodeConfig& c) {
       bool on = false;
       auto st = v.get(on);
       if (st) c.log_options.hash_chain = on;
       return st;
     }},
    {"log_max_pending_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.log_options.max_pending_bytes); }},
    {"log_failure_policy", apply_log_failure_policy},
    {"max_tracked_publishers",
     [](const Value& v, NodeConfig& c) { return v.positive(c.max_tracked_publishers); }},
    {"control_max_client_replies",
     [](const Value& v, NodeConfig& c) { return v.positive(c.control_max_client_replies); }},
    {"control_max_client_reply_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.control_max_client_reply_bytes); }},
    {"control_max_reply_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.control_max_reply_bytes); }},
};

Status apply_signed_channels(const Value& v, NodeConfig& c) {
  std::vector<std::string> names;
  if (auto st = v.get(names); !st) return st;
  std::vector<vsm::Channel> channels;
  for (const auto& n : names) {
    auto ch = vsm::parse_channel(n);
    if (!ch) return v.error("'" + n + "' is not a channel");
    channels.push_back(*ch);
  }
  c.security.signed_channels = std::move(channels);
  return {};
}

// Every [security] key (docs/SECURITY.md §6, vsm/security.hpp). cluster_key is the same
// setting as [node] cluster_key (the algedonic lane's, and gossip's unless gossip_key).
constexpr Key kSecurityKeys[] = {
    {"key_file", [](const Value& v, NodeConfig& c) { return v.get(c.security.key_file); }},
    {"trusted_dir", [](const Value& v, NodeConfig& c) { return v.get(c.security.trusted_dir); }},
    {"trusted_reload_ms",
     [](const Value& v, NodeConfig& c) { return v.positive(c.security.trusted_reload_ms); }},
    {"signed_channels", apply_signed_channels},
    {"refusal_log_interval_ms",
     [](const Value& v, NodeConfig& c) {
       return v.non_negative(c.security.refusal_log_interval_ms);
     }},
    {"cluster_key", [](const Value& v, NodeConfig& c) { return v.get(c.cluster_key); }},
    {"previous_cluster_key",
     [](const Value& v, NodeConfig& c) { return v.get(c.security.previous_cluster_key); }},
    {"previous_key_grace_ms",
     [](const Value& v, NodeConfig& c) {
       return v.non_negative(c.security.previous_key_grace_ms);
     }},
    {"gossip_key", [](const Value& v, NodeConfig& c) { return v.get(c.security.gossip_key); }},
    {"gossip_previous_key",
     [](const Value& v, NodeConfig& c) { return v.get(c.security.gossip_previous_key); }},
};

Status apply_key(std::span<const std::span<const Key>> lists, const Value& v,
                 std::string_view key, NodeConfig& cfg) {
  for (const auto& list : lists) {
    for (const Key& k : list) {
      if (k.name == key) return k.apply(v, cfg);
    }
  }
  std::string known;
  for (const auto& list : lists) {
    for (const Key& k : list) known += (known.empty() ? "" : ", ") + std::string(k.name);
  }
  return v.error("is not a known key (known: " + known + ")");
}

// The top-level tables a vsmcat configuration file may have; anything else is a mistake
// (a misspelt [node] would otherwise be ignored in silence).
constexpr std::string_view kTables[] = {"node",  "security",  "variety", "flow",
                                        "chaos", "partition", "gossip"};

// Levenshtein distance, for "did you mean" (names are short).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diag = up;
    }
  }
  return row[b.size()];
}

Status check_tables(const toml::table& root, const std::string& path) {
  for (const auto& [key, value] : root) {
    const std::string_view name = key.str();
    if (std::find(std::begin(kTables), std::end(kTables), name) != std::end(kTables)) continue;
    std::string msg = "config '" + path + "': ";
    msg += value.is_table() ? "unknown table [" + std::string(name) + "]"
                            : "key '" + std::string(name) + "' outside a table";
    std::string known, guess;
    for (std::string_view t : kTables) {
      known += (known.empty() ? "[" : ", [") + std::string(t) + "]";
      if (value.is_table() && distance(name, t) <= 2) guess = std::string(t);
    }
    msg += " (known: " + known + ")";
    if (!guess.empty()) msg += "; did you mean [" + guess + "]?";
    if (!value.is_table()) msg += "; node settings go under [node]";
    return vsm::Error::invalid(msg);
  }
  return {};
}
vsm::Error parse_error(const toml::parse_error& e, const std::string& path) {
  const auto& where = e.source().begin;
  return vsm::Error::invalid("config '" + path + "':" + std::to_string(where.line) + ":" +
                             std::to_string(where.column) + ": " + std::string(e.description()));
}

Status apply_table(const toml::table& root, std::string_view name,
                   std::span<const std::span<const Key>> lists, const std::string& path,
                   NodeConfig& cfg) {
  const toml::node* node = root.get(name);
  if (!node) return {};
  const toml::table* table = node->as_table();
  if (!table) {
    return vsm::Error::invalid("config '" + path + "': [" + std::string(name) +
                               "] must be a table");
  }
  for (const auto& [key, value] : *table) {
    if (auto st = apply_key(lists, Value(value, name, key.str(), path), key.str(), cfg); !st) {
      return st;
    }
  }
  return {};
}

Status apply_root(const toml::table& root, const std::string& path, NodeConfig& cfg) {
  if (auto st = check_tables(root, path); !st) return st;
  const std::span<const Key> node_keys[] = {kKeys, operator_keys()};
  if (auto st = apply_table(root, "node", node_keys, path, cfg); !st) return st;
  if (root.get("node") && root.get("security") && root["node"]["cluster_key"] &&
      root["security"]["cluster_key"]) {
    return vsm::Error::invalid("config '" + path +
                               "': cluster_key is given in [node] and [security]; keep one");
  }
  const std::span<const Key> security_keys[] = {kSecurityKeys};
  return apply_table(root, "security", security_keys, path, cfg);
}

}  // namespace

Status apply_node_config_file(const std::string& path, NodeConfig& cfg) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return vsm::Error::invalid("config '" + path + "': cannot be read: " + std::strerror(errno));
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return vsm::Error::invalid("config '" + path + "': read error");
  return apply_node_config_toml(text, path, cfg);
}

Status apply_node_config_toml(std::string_view document, const std::string& source,
                              NodeConfig& cfg) {
  if (auto st = check_toml_text(document, source); !st) return st;  // toml++ 3.3.0 UB
  toml::table root;
  try {
    root = toml::parse(document, source);
  } catch (const toml::parse_error& e) {
    return parse_error(e, source);
  }
  if (auto st = apply_root(root, source, cfg); !st) return st;
  return apply_variety_tables(root, source, cfg);  // [variety] [flow] [chaos] [partition]
}

}  // namespace vsmcat
