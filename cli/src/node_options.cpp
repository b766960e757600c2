#include "node_options.hpp"

#include <unistd.h>

#include <string>

#include "command.hpp"
#include "global_options.hpp"
#include "node_config_toml.hpp"
#include "vsm/channel.hpp"
#include "vsm/host_port.hpp"
#include "vsm/role.hpp"
#include "vsm/security.hpp"

namespace vsmcat {
namespace {

// HOST:PORT with PORT 0..65535 (gossip addresses are UDP host:port, not endpoints).
vsm::Status validate_host_port(std::string_view what, std::string_view hp) {
  if (auto parsed = vsm::parse_host_port(hp, vsm::PortRule::kZeroOk); !parsed) {
    return vsm::Error::invalid(std::string(what) + " '" + std::string(hp) +
                               "' must be HOST:PORT with PORT 0..65535, e.g. 127.0.0.1:7946 (" +
                               parsed.error().message() + ")");
  }
  return {};
}

vsm::Status check_config(const vsm::NodeConfig& cfg) {
  if (!vsm::is_valid_name(cfg.name)) {
    return vsm::Error::invalid("node name '" + cfg.name +
                               "' must be 1..255 bytes without '/' or control characters");
  }
  for (const auto& list : {cfg.pub_bind, cfg.pub_advertise}) {
    for (const auto& ep : list) {
      if (auto st = validate_endpoint(ep); !st) return st;
    }
  }
  for (const auto& ep : cfg.peers) {
    if (auto st = validate_peer_endpoint(ep); !st) return st;
  }
  if (!cfg.control_bind.empty()) {
    if (auto st = validate_endpoint(cfg.control_bind); !st) {
      return vsm::Error::invalid("control_bind: " + st.error().message());
    }
  }
  if (!cfg.gossip_bind.empty()) {
    if (auto st = validate_host_port("gossip_bind", cfg.gossip_bind); !st) return st;
  }
  for (const auto& seed : cfg.seeds) {
    if (auto st = validate_host_port("seeds", seed); !st) return st;
  }
  if (!cfg.metrics_bind.empty()) {
    if (auto st = validate_host_port("metrics_bind", cfg.metrics_bind); !st) return st;
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
  app.add_option("--log", o.log_dir,
                 "Keep an event log in DIR: published events (`sub`: received events)");
  app.add_flag("--log-received", o.log_received,
               "With --log: also log the events received from other nodes");
  app.add_option("--log-fsync", o.log_fsync, "Log fsync policy: none, interval (default), always")
      ->check(CLI::IsMember({"none", "interval", "always"}));
  app.add_option("--metrics-bind", o.metrics_bind,
                 "Serve Prometheus metrics at http://HOST:PORT/metrics (port 0 = a free port)")
      ->check([](const std::string& hp) {
        auto st = validate_host_port("--metrics-bind", hp);
        return st ? std::string() : st.error().message();
      });
  app.add_option("--control-bind", o.control_bind,
                 "Control endpoint to bind (default tcp://127.0.0.1:*; \"\" = none)");
  app.add_option("--dish-bind", o.dish_bind,
                 "The algedonic lane's DISH, udp://HOST:PORT (default udp://127.0.0.1:*)");
  add_variety_options(app, o.variety);  // variety flags
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
    auto st = validate_peer_endpoint(ep);
    return st ? std::string() : st.error().message();
  });
}

vsm::Result<vsm::NodeConfig> build_node_config(const NodeOptions& o,
                                               const std::string& default_name) {
  vsm::NodeConfig cfg;
  if (const auto& path = global_options().config_path; !path.empty()) {
    if (auto st = apply_node_config_file(path, cfg); !st) return st.error();
  }
  if (!o.name.empty()) cfg.name = o.name;
  if (cfg.name.empty()) cfg.name = default_name;
  if (!o.role.empty()) cfg.role = *vsm::parse_role(o.role);  // checked by CLI11
  if (!o.bind.empty()) cfg.pub_bind = o.bind;
  for (const auto& p : o.peers) cfg.peers.push_back(p);
  if (o.hwm) cfg.send_hwm_msgs = cfg.recv_hwm_msgs = *o.hwm;
  if (o.no_validate_flow) cfg.validate_flow = false;
  if (!o.gossip_bind.empty()) cfg.gossip_bind = o.gossip_bind;
  for (const auto& s : o.seeds) cfg.seeds.push_back(s);
  if (!cfg.seeds.empty() && cfg.gossip_bind.empty()) {
    cfg.gossip_bind = "127.0.0.1:0";  // seeds imply gossip
  }
  if (!o.log_dir.empty()) cfg.log_dir = o.log_dir;
  if (o.log_received) cfg.log_received = true;
  if (!o.log_fsync.empty()) {
    using vsm::persist::FsyncPolicy;
    cfg.log_options.fsync = o.log_fsync == "none"     ? FsyncPolicy::kNone
                            : o.log_fsync == "always" ? FsyncPolicy::kAlways
                                                      : FsyncPolicy::kInterval;
  }
  if (!o.metrics_bind.empty()) cfg.metrics_bind = o.metrics_bind;
  if (o.control_bind) cfg.control_bind = *o.control_bind;
  if (o.dish_bind) cfg.dish_bind = *o.dish_bind;
  if (auto st = apply_variety_options(o.variety, cfg); !st) return st.error();  // variety
  if (auto st = check_config(cfg); !st) return st.error();
  return cfg;
}

vsm::Status validate_endpoint(std::string_view ep) {
  auto bad = [&](std::string_view why) {
    return vsm::Error::invalid("endpoint '" + std::string(ep) + "': " + std::string(why) +
                               " (expected tcp://HOST:PORT, tcp://HOST:* or ipc://PATH)");
  };
  auto parsed = vsm::parse_endpoint(ep, vsm::PortRule::kWildcardOk);
  if (!parsed) return bad(parsed.error().message());
  if (parsed->scheme != "tcp" && parsed->scheme != "ipc") return bad("unsupported transport");
  return {};
}

vsm::Status validate_peer_endpoint(std::string_view text) {
  const auto named = vsm::split_named_endpoint(std::string(text));
  if (text.find('@') != std::string_view::npos && !vsm::is_valid_name(named.name)) {
    return vsm::Error::invalid("peer '" + std::string(text) +
                               "': expected NAME@ENDPOINT with a valid node name");
  }
  return validate_endpoint(named.endpoint);
}

int exit_code_for(const vsm::Error& error) {
  return error.code() == vsm::ErrorCode::kInvalid ? kExitUsage : kExitRuntime;
}

std::string default_node_name(std::string_view what) {
  return "vsmcat-" + std::string(what) + "-" + std::to_string(::getpid());
}

}  // namespace vsmcat
