#include "control_connect.hpp"

#include "endpoint_check.hpp"
#include "global_options.hpp"
#include "node_config_toml.hpp"
#include "node_options.hpp"
#include "command.hpp"
#include "vsm/security.hpp"

namespace vsmcat {

bool security_configured() {
  vsm::NodeConfig cfg;
  const auto& path = global_options().config_path;
  return !path.empty() && apply_node_config_file(path, cfg) && cfg.security.enabled();
}

vsm::Result<vsm::ControlClient> connect_control(const std::string& node,
                                                std::chrono::milliseconds timeout) {
  vsm::NodeConfig cfg;
  if (const auto& path = global_options().config_path; !path.empty()) {
    if (auto st = apply_node_config_file(path, cfg); !st) return st.error();
  }
  const auto named = vsm::split_named_endpoint(node);
  if (!cfg.security.enabled()) return vsm::ControlClient(named.endpoint, timeout);
  if (named.name.empty()) {
    return vsm::Error::invalid("security is on ([security] key_file): name the node, as NAME@" +
                               named.endpoint);
  }
  auto keys = vsm::curve_client_keys(cfg.security, named.name);
  if (!keys) return keys.error();
  return vsm::ControlClient(named.endpoint, timeout, std::move(*keys));
}

OpenedControl open_control(const std::string& node, std::chrono::milliseconds timeout) {
  OpenedControl out;
  if (auto problem = check_endpoint(node, vsm::EndpointKind::kControl, timeout)) {
    out.error = problem->message;
    out.exit_code = problem->exit_code;
    return out;
  }
  auto connected = connect_control(node, timeout);
  if (!connected) {
    out.error = node + ": " + connected.error().to_string();
    out.exit_code = kExitUsage;
    return out;
  }
  out.client.emplace(std::move(*connected));
  return out;
}

CLI::Option* add_node_option(CLI::App& app, std::string& node) {
  return app.add_option("--node", node, "The node's control endpoint (vsmcat node prints it)")
      ->required()
      ->check([](const std::string& ep) {
        auto st = validate_peer_endpoint(ep);
        return st ? std::string() : st.error().message();
      });
}

}  // namespace vsmcat
