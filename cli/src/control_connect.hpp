// The control client of `vsmcat stats`, `members` and `replay --node`: plain, or, when
// the --config file's [security] table has a key_file, CURVE with this operator's key
// and the node's trusted key (docs/SECURITY.md §6). A secured node is then named
// NAME@ENDPOINT, so its key can be found in the trusted directory.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "vsm/control_client.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// True when the --config file's [security] table turns security on (false when there is
// no config or it does not parse: connect_control() then reports the error).
bool security_configured();

// kInvalid: a secured config without NAME@ (or a bad config); kNotFound: no trusted key.
vsm::Result<vsm::ControlClient> connect_control(const std::string& node,
                                                std::chrono::milliseconds timeout);

// What `stats`, `members`, `status` and `health` talk to: check_endpoint() first (a dead,
// wrong-kind or publish endpoint is named), then connect_control().
struct OpenedControl {
  std::optional<vsm::ControlClient> client;
  std::string error;  // when there is no client: for "vsmcat <cmd>: error: <error>"
  int exit_code = 0;  // ... and the exit code it calls for
};
OpenedControl open_control(const std::string& node, std::chrono::milliseconds timeout);

// The required --node CONTROL_EP option (NAME@ENDPOINT with security on), checked.
CLI::Option* add_node_option(CLI::App& app, std::string& node);

}  // namespace vsmcat
