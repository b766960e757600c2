#include "cmd_health.hpp"

#include <chrono>
#include <memory>
#include <string>

#include "control_connect.hpp"
#include "event_json.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "vsm/control_client.hpp"
#include "vsm/health.hpp"

namespace vsmcat {
namespace {

// The verdict is the exit code; a node that cannot answer is not viable either.
constexpr int kExitNotViable = static_cast<int>(vsm::Viability::kNotViable);

struct HealthArgs {
  std::string node;
  double timeout_s = 2.0;
  bool json = false;
};

int run_health(const HealthArgs& a) {
  const auto timeout = std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000));
  auto opened = open_control(a.node, timeout);
  if (!opened.client) {
    status_line("vsmcat health: error: " + opened.error);
    return kExitNotViable;
  }
  vsm::ControlClient& client = *opened.client;
  auto reply = client.health();
  if (!reply) {
    status_line("vsmcat health: error: " + a.node + ": " + reply.error().to_string());
    return kExitNotViable;
  }
  nlohmann::json j = value_to_json(*reply);
  j.erase("rid");
  j.erase("ok");
  const auto state = vsm::parse_viability(j.value("state", ""));
  if (!state) {
    status_line("vsmcat health: error: " + a.node + ": unknown verdict '" + j.value("state", "") +
                "'");
    return kExitNotViable;
  }
  std::string line;
  if (a.json) {
    line = dump_json_line(j);
  } else {
    line = std::string(vsm::viability_name(*state));
    std::string reasons;
    for (const auto& r : j.value("reasons", nlohmann::json::array())) {
      if (r.is_string()) reasons += (reasons.empty() ? "" : "; ") + r.get<std::string>();
    }
    if (!reasons.empty()) line += ": " + reasons;
  }
  (void)write_stdout_line(line);
  return static_cast<int>(*state);
}

}  // namespace

Command register_health(CLI::App& root) {
  auto args = std::make_shared<HealthArgs>();
  auto* app = root.add_subcommand(
      "health",
      "A node's verdict: viable / degraded / not_viable with reasons; exit 0 / 1 / 2 "
      "(a probe for containers)");
  add_node_option(*app, args->node);
  app->add_flag("--json", args->json, "Print the reply as one JSON object");
  app->add_option("--timeout", args->timeout_s, "Seconds to wait for the reply")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return Command{app, [args] { return run_health(*args); }};
}

}  // namespace vsmcat
