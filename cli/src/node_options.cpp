#include "node_options.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <charconv>
#include <limits>

#include "command.hpp"
#include "global_options.hpp"
#include "vsm/channel.hpp"
#include "vsm/role.hpp"

namespace vsmcat {
namespace {

constexpr std::string_view kNodeKeys =
    "name, role, bind, advertise, peers, hwm, send_hwm, recv_hwm, linger_ms, "
    "publish_queue_capacity, validate_flow, max_event_bytes";

vsm::Error config_error(std::string_view key, std::string_view what) {
  return vsm::Error::invalid("config '" + global_options().config_path + "': [node] " +
                             std::string(key) + " " + std::string(what));
}

vsm::Result<std::vector<std::string>> string_list(const toml::node& n, std::string_view key) {
  std::vector<std::string> out;
  if (auto s = n.value<std::string>()) {
    out.push_back(*s);
    return out;
  }
  const toml::array* arr = n.as_array();
  if (!arr) return config_error(key, "must be a string or an array of strings");
  for (const auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!s) return config_error(key, "must contain only strings");
    out.push_back(*s);
  }
  return out;
}

vsm::Result<std::int64_t> positive_int(const toml::node& n, std::string_view key) {
  auto v = n.value<std::int64_t>();
  if (!v || *v <= 0 || *v > std::numeric_limits<int>::max()) {
    return config_error(key, "must be a positive integer");
  }
  return *v;
}

vsm::Status apply_key(std::string_view key, const toml::node& n, vsm::NodeConfig& cfg) {
  auto as_string = [&](std::string& out) -> vsm::Status {
    auto s = n.value<std::string>();
    if (!s) return config_error(key, "must be a string");
    out = *s;
    return {};
  };
  auto as_int = [&](auto& out) -> vsm::Status {
    auto v = positive_int(n, key);
    if (!v) return std::move(v).error();
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return {};
  };
  auto as_list = [&](std::vector<std::string>& out) -> vsm::Status {
    auto v = string_list(n, key);
    if (!v) return std::move(v).error();
    out = std::move(v).value();
    return {};
  };
  if (key == "name") return as_string(cfg.name);
  if (key == "role") {
    std::string r;
    if (auto st = as_string(r); !st) return st;
    auto role = vsm::parse_role(r);
    if (!role) return config_error(key, "'" + r + "' is not a role (S1, S2, S3, S3*, S4, S5)");
    cfg.role = *role;
    return {};
  }
  if (key == "bind") return as_list(cfg.pub_bind);
  if (key == "advertise") return as_list(cfg.pub_advertise);
  if (key == "peers") return as_list(cfg.peers);
  if (key == "hwm") {
    if (auto st = as_int(cfg.send_hwm_msgs); !st) return st;
    cfg.recv_hwm_msgs = cfg.send_hwm_msgs;
    return {};
  }
  if (key == "send_hwm") return as_int(cfg.send_hwm_msgs);
  if (key == "recv_hwm") return as_int(cfg.recv_hwm_msgs);
  if (key == "linger_ms") return as_int(cfg.linger_ms);
  if (key == "publish_queue_capacity") return as_int(cfg.publish_queue_capacity);
  if (key == "max_event_bytes") return as_int(cfg.limits.max_event_bytes);
  if (key == "validate_flow") {
    auto b = n.value<bool>();
    if (!b) return config_error(key, "must be true or false");
    cfg.validate_flow = *b;
    return {};
  }
  return config_error(key, "is not a known key (known: " + std::string(kNodeKeys) + ")");
}

vsm::Status load_config_file(const std::string& path, vsm::NodeConfig& cfg) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return vsm::Error::invalid("config '" + path + "':" + std::to_string(where.line) + ":" +
                               std::to_string(where.column) + ": " + std::string(e.description()));
  }
  const toml::node* node = root.get("node");
  if (!node) return {};
  const toml::table* table = node->as_table();
  if (!table) return vsm::Error::invalid("config '" + path + "': [node] must be a table");
  for (const auto& [key, value] : *table) {
    if (auto st = apply_key(key.str(), value, cfg); !st) return st;
  }
  return {};
}

vsm::Status check_config(const vsm::NodeConfig& cfg) {
  if (!vsm::is_valid_name(cfg.name)) {
    return vsm::Error::invalid("node name '" + cfg.name +
                               "' must be 1..255 bytes without '/' or control characters");
  }
  for (const auto& list : {cfg.pub_bind, cfg.pub_advertise, cfg.peers}) {
    for (const auto& ep : list) {
      if (auto st = validate_endpoint(ep); !st) return st;
    }
  }
  return {};
}

}  // namespace

void add_identity_options(CLI::App& app, NodeOptions& o) {
  app.add_option("--name", o.name, "Node name (HLC node id and default event source)");
  app.add_option("--role", o.role, "VSM role of this node: S1, S2, S3, S3*, S4, S5 (default S1)")
      ->check([](const std::string& r) -> std::string {
        return vsm::parse_role(r) ? "" : "'" + r + "' is not a role (S1, S2, S3, S3*, S4, S5)";
      });
  app.add_option("--hwm", o.hwm, "ZeroMQ send/receive high-water mark in messages")
      ->check(CLI::PositiveNumber);
  app.add_flag("--no-validate-flow", o.no_validate_flow,
               "Do not enforce the channel flow rules on published events");
}

void add_fabric_options(CLI::App& app, NodeOptions& o) {
  app.add_option("--gossip-bind", o.gossip_bind,
                 "Join the gossip membership on this UDP host:port (127.0.0.1:0 = free port)");
  app.add_option("--seeds", o.seeds, "Gossip seeds host:port to join through (comma list)")
      ->delimiter(',');
  app.add_option("--log", o.log_dir, "Append every published event to this log directory");
}

void add_bind_option(CLI::App& app, NodeOptions& o) {
  app.add_option("--bind", o.bind,
                 "Endpoint the node's publisher binds (repeatable; default tcp://127.0.0.1:*)")
      ->check([](const std::string& ep) {
        auto st = validate_endpoint(ep);
        return st ? std::string() : st.error().message();
      });
}

void add_peers_option(CLI::App& app, NodeOptions& o, const std::string& flag,
                      const std::string& help) {
  app.add_option(flag, o.peers, help)->check([](const std::string& ep) {
    auto st = validate_endpoint(ep);
    return st ? std::string() : st.error().message();
  });
}

vsm::Result<vsm::NodeConfig> build_node_config(const NodeOptions& o,
                                               const std::string& default_name) {
  vsm::NodeConfig cfg;
  if (const auto& path = global_options().config_path; !path.empty()) {
    if (auto st = load_config_file(path, cfg); !st) return st.error();
  }
  if (!o.name.empty()) cfg.name = o.name;
  if (cfg.name.empty()) cfg.name = default_name;
  if (!o.role.empty()) cfg.role = *vsm::parse_role(o.role);  // checked by CLI11
  if (!o.bind.empty()) cfg.pub_bind = o.bind;
  for (const auto& p : o.peers) cfg.peers.push_back(p);
  if (o.hwm) cfg.send_hwm_msgs = cfg.recv_hwm_msgs = *o.hwm;
  if (o.no_validate_flow) cfg.validate_flow = false;
  if (!o.seeds.empty() && o.gossip_bind.empty() && cfg.gossip_bind.empty()) {
    cfg.gossip_bind = "127.0.0.1:0";  // seeds imply gossip
  }
  if (!o.gossip_bind.empty()) cfg.gossip_bind = o.gossip_bind;
  for (const auto& s : o.seeds) cfg.seeds.push_back(s);
  if (!o.log_dir.empty()) cfg.log_dir = o.log_dir;
  if (auto st = check_config(cfg); !st) return st.error();
  return cfg;
}

vsm::Status validate_endpoint(std::string_view ep) {
  auto bad = [&](std::string_view why) {
    return vsm::Error::invalid("endpoint '" + std::string(ep) + "': " + std::string(why) +
                               " (expected tcp://HOST:PORT, tcp://HOST:* or ipc://PATH)");
  };
  if (ep.starts_with("ipc://")) {
    return ep.size() > 6 ? vsm::Status() : vsm::Status(bad("empty ipc path"));
  }
  if (!ep.starts_with("tcp://")) return bad("unsupported transport");
  std::string_view rest = ep.substr(6);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("missing host or port");
  std::string_view port = rest.substr(colon + 1);
  if (port == "*" || port == "0") return {};
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
    return bad("port must be 1..65535 or '*'");
  }
  return {};
}

int exit_code_for(const vsm::Error& error) {
  return error.code() == vsm::ErrorCode::kInvalid ? kExitUsage : kExitRuntime;
}

std::string default_node_name(std::string_view what) {
  return "vsmcat-" + std::string(what) + "-" + std::to_string(::getpid());
}

}  // namespace vsmcat
