#include "cmd_members.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "control_connect.hpp"
#include "event_json.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "telemetry_json.hpp"
#include "vsm/control_client.hpp"

namespace vsmcat {
namespace {

struct MembersArgs {
  std::string node;
  double timeout_s = 2.0;
  bool json = false;
};

void print_table(const nlohmann::json& reply) {
  std::printf("%-24s %-8s %-5s %6s  %-28s %-22s %s\n", "NAME", "STATE", "ROLE", "INC", "PUB",
              "GOSSIP", "REPAIR");
  for (const auto& m : reply.value("members", nlohmann::json::array())) {
    std::printf("%-24s %-8s %-5s %6llu  %-28s %-22s %s\n", m.value("name", "").c_str(),
                m.value("state", "").c_str(), m.value("role", "").c_str(),
                static_cast<unsigned long long>(m.value("incarnation", 0ull)),
                m.value("pub", "").c_str(), m.value("gossip", "").c_str(),
                m.value("breaker", "closed").c_str());
  }
  std::printf("partition: %s%s%s\n", reply.value("partition", "").c_str(),
              reply.value("reason", "").empty() ? "" : " — ", reply.value("reason", "").c_str());
  const auto sides = reply.value("sides", nlohmann::json::array());
  if (sides.size() > 1) std::printf("sides: %s\n", sides_text(sides).c_str());
}

int run_members(const MembersArgs& a) {
  const auto timeout = std::chrono::milliseconds(static_cast<int>(a.timeout_s * 1000));
  auto opened = open_control(a.node, timeout);
  if (!opened.client) {
    status_line("vsmcat members: error: " + opened.error);
    return opened.exit_code;
  }
  vsm::ControlClient& client = *opened.client;
  auto reply = client.members();
  if (!reply) {
    status_line("vsmcat members: error: " + a.node + ": " + reply.error().to_string());
    return kExitRuntime;
  }
  nlohmann::json j = value_to_json(*reply);
  j.erase("rid");
  j.erase("ok");
  if (a.json) {
    std::cout << dump_json_line(j) << std::endl;
  } else {
    print_table(j);
  }
  return kExitOk;
}

}  // namespace

Command register_members(CLI::App& root) {
  auto args = std::make_shared<MembersArgs>();
  auto* app = root.add_subcommand("members", "Show the gossip membership seen by a node");
  add_node_option(*app, args->node);
  app->add_option("--timeout", args->timeout_s, "Seconds to wait for the reply")
      ->check(CLI::PositiveNumber);
  app->add_flag("--json", args->json, "Print one JSON object instead of a table");
  return Command{app, [args] { return run_members(*args); }};
}

}  // namespace vsmcat
