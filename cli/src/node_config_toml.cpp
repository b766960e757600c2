#include "node_config_toml.hpp"

// toml++'s internal assertions stay off, as in Debian's release build of the library:
// some fire on malformed documents that the parser then refuses cleanly (e.g. "[,]",
// found by the node_config_toml fuzz target, which compiles toml++ header-only).
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
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

// One value of the [node] table. The getters check its TOML type (and range) and name
// the file and key in the error; `out` is only written on success.
class Value {
 public:
  Value(const toml::node& node, std::string_view key, const std::string& path)
      : node_(node), key_(key), path_(path) {}

  vsm::Error error(std::string_view what) const {
    return vsm::Error::invalid("config '" + path_ + "': [node] " + std::string(key_) + " " +
                               std::string(what));
  }

  Status get(std::string& out) const {
    auto s = node_.value<std::string>();
    if (!s) return error("must be a string");
    out = std::move(*s);
    return {};
  }
  Status get(bool& out) const {
    const auto* b = node_.as_boolean();  // strict: value<bool>() would take 1 as true
    if (b == nullptr) return error("must be true or false");
    out = b->get();
    return {};
  }
  // A string or an array of strings.
  Status get(std::vector<std::string>& out) const {
    std::vector<std::string> list;
    if (auto s = node_.value<std::string>()) {
      list.push_back(std::move(*s));
    } else if (const toml::array* arr = node_.as_array()) {
      for (const auto& item : *arr) {
        auto s = item.value<std::string>();
        if (!s) return error("must contain only strings");
        list.push_back(std::move(*s));
      }
    } else {
      return error("must be a string or an array of strings");
    }
    out = std::move(list);
    return {};
  }
  // An integer from `min` to the largest value `Int` (and TOML) can hold.
  template <typename Int>
  Status get_int(Int& out, std::int64_t min) const {
    auto v = node_.value<std::int64_t>();
    if (!v || *v < min || std::cmp_greater(*v, std::numeric_limits<Int>::max())) {
      return error(min > 0 ? "must be a positive integer" : "must be a non-negative integer");
    }
    out = static_cast<Int>(*v);
    return {};
  }
  template <typename Int>
  Status positive(Int& out) const {
    return get_int(out, 1);
  }
  template <typename Int>
  Status non_negative(Int& out) const {
    return get_int(out, 0);
  }

 private:
  const toml::node& node_;
  std::string_view key_;
  const std::string& path_;
};

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

using Apply = Status (*)(const Value&, NodeConfig&);
struct Key {
  std::string_view name;
  Apply apply;
};

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
    {"log_max_pending_bytes",
     [](const Value& v, NodeConfig& c) { return v.positive(c.log_options.max_pending_bytes); }},
};

Status apply_key(const Value& v, std::string_view key, NodeConfig& cfg) {
  for (const Key& k : kKeys) {
    if (k.name == key) return k.apply(v, cfg);
  }
  std::string known;
  for (const Key& k : kKeys) known += (known.empty() ? "" : ", ") + std::string(k.name);
  return v.error("is not a known key (known: " + known + ")");
}

vsm::Error parse_error(const toml::parse_error& e, const std::string& path) {
  const auto& where = e.source().begin;
  return vsm::Error::invalid("config '" + path + "':" + std::to_string(where.line) + ":" +
                             std::to_string(where.column) + ": " + std::string(e.description()));
}

Status apply_root(const toml::table& root, const std::string& path, NodeConfig& cfg) {
  const toml::node* node = root.get("node");
  if (!node) return {};
  const toml::table* table = node->as_table();
  if (!table) return vsm::Error::invalid("config '" + path + "': [node] must be a table");
  for (const auto& [key, value] : *table) {
    if (auto st = apply_key(Value(value, key.str(), path), key.str(), cfg); !st) return st;
  }
  return {};
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
