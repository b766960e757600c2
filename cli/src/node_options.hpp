// Node settings shared by `vsmcat pub`, `sub`, `node` and `alert`: command-line flags
// layered over the [node] table of the --config TOML file (node_config_toml.hpp) over
// NodeConfig's defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "variety_options.hpp"
#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

struct NodeOptions {
  std::string name;
  std::string role;
  std::vector<std::string> bind;
  std::vector<std::string> peers;
  std::optional<int> hwm;
  bool no_validate_flow = false;
  std::string gossip_bind;          // "host:port"; empty = no gossip
  std::vector<std::string> seeds;   // "host:port"
  std::string log_dir;
  bool log_received = false;        // also log events received from peers
  std::string log_fsync;            // none | interval | always; empty = config/default
  std::string metrics_bind;         // HOST:PORT of the Prometheus endpoint
  std::optional<std::string> control_bind;  // "" turns the control plane off
  std::optional<std::string> dish_bind;     // the algedonic lane's DISH
  // --- variety flags (variety_options.hpp) ---
  VarietyOptions variety;
  // --- end variety ---
};

// --gossip-bind HOST:PORT, --seeds HOST:PORT,... (gossip membership), --log DIR,
// --log-received, --log-fsync POLICY, --metrics-bind HOST:PORT, --control-bind EP,
// --dish-bind EP, and the variety flags (variety_options.hpp).
void add_fabric_options(CLI::App& app, NodeOptions& options);

// --name, --role, --hwm, --no-validate-flow.
void add_identity_options(CLI::App& app, NodeOptions& options);
// --bind ENDPOINT (repeatable).
void add_bind_option(CLI::App& app, NodeOptions& options);
// `flag` is "--connect" (sub) or "--peers" (node); repeatable.
void add_peers_option(CLI::App& app, NodeOptions& options, const std::string& flag,
                      const std::string& help);

// Defaults <- global --config [node] <- flags. kInvalid for a bad value (usage error),
// kIo when the file cannot be read. `default_name` is used when no name is given.
vsm::Result<vsm::NodeConfig> build_node_config(const NodeOptions& options,
                                               const std::string& default_name);

// tcp://HOST:PORT (PORT 1..65535 or '*') or ipc://PATH.
vsm::Status validate_endpoint(std::string_view endpoint);

// A peer: validate_endpoint(), optionally prefixed by NAME@ (the node behind it, whose
// trusted key a secured node pins: docs/SECURITY.md §6).
vsm::Status validate_peer_endpoint(std::string_view endpoint);

// Exit code for an error from build_node_config / Node::start.
int exit_code_for(const vsm::Error& error);

// "vsmcat-<what>-<pid>": a valid, mostly unique node name.
std::string default_node_name(std::string_view what);

}  // namespace vsmcat
