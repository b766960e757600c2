// Node settings shared by `vsmcat pub`, `sub` and `node`: command-line flags layered
// over the [node] table of the --config TOML file over NodeConfig's defaults.
//
//   [node]
//   name = "s3.control"        role = "S3"
//   bind = ["tcp://127.0.0.1:5555"]       # or a single string
//   advertise = ["tcp://10.0.0.7:5555"]
//   peers = ["tcp://127.0.0.1:5556"]
//   hwm = 100000               # sets send_hwm and recv_hwm
//   send_hwm = 100000          recv_hwm = 100000
//   linger_ms = 2000           publish_queue_capacity = 65536
//   validate_flow = true       max_event_bytes = 1048576
//
// Unknown keys in [node] are errors (typos should not be silently ignored); other
// tables belong to other subcommands and are left alone.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
};

// --gossip-bind HOST:PORT, --seeds HOST:PORT,... (gossip membership), --log DIR.
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

// Exit code for an error from build_node_config / Node::start.
int exit_code_for(const vsm::Error& error);

// "vsmcat-<what>-<pid>": a valid, mostly unique node name.
std::string default_node_name(std::string_view what);

}  // namespace vsmcat
