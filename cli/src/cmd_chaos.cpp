#include "cmd_chaos.hpp"

#include <charconv>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "control_connect.hpp"
#include "event_json.hpp"
#include "output.hpp"
#include "vsm/control_client.hpp"

namespace vsmcat {
namespace {

struct ChaosArgs {
  std::string node;
  double timeout_s = 2.0;
  std::optional<double> drop, duplicate, reorder;  // probabilities
  std::string delay;                               // "200ms"
  std::string plane = "all";
  std::string peer, channel;
  std::uint64_t count = 0;
  std::string duration = "30s";
  std::string partition;  // comma-separated members
  bool clear = false, list = false, json = false;
};

// "250ms", "30s", "2m" or plain milliseconds -> milliseconds; nullopt when malformed.
std::optional<std::uint64_t> parse_duration_ms(std::string_view s) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
  if (unit.empty() || unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  return std::nullopt;
}

std::string check_duration(const std::string& s) {
  return parse_duration_ms(s) ? "" : "expected a duration like 250ms, 30s or 2m";
}

// The op's fields for this command line.
std::map<std::string, std::string> request_args(const ChaosArgs& a) {
  std::map<std::string, std::string> r;
  const auto for_ms = std::to_string(*parse_duration_ms(a.duration));
  if (a.clear) return {{"do", "clear"}};
  if (a.list) return {{"do", "list"}};
  if (!a.partition.empty()) return {{"do", "partition"}, {"members", a.partition}, {"for_ms", for_ms}};
  r["do"] = "add";
  r["for_ms"] = for_ms;
  r["plane"] = a.plane;
  if (!a.peer.empty()) r["peer"] = a.peer;
  if (!a.channel.empty()) r["channel"] = a.channel;
  if (a.count != 0) r["count"] = std::to_string(a.count);
  auto set = [&](const char* action, std::optional<double> p) {
    r["action"] = action;
    r["prob"] = std::to_string(p.value_or(1.0));
  };
  if (a.drop) set("drop", a.drop);
  if (a.duplicate) set("duplicate", a.duplicate);
  if (a.reorder) set("reorder", a.reorder);
  if (!a.delay.empty()) {
    set("delay", std::nullopt);
    r["delay_ms"] = std::to_string(*parse_duration_ms(a.delay));
  }
  return r;
}

int print_reply(const char* what, const vsm::Result<vsm::Value>& reply, const std::string& node,
                bool json) {
  if (!reply) {
    status_line(std::string("vsmcat ") + what + ": error: " + node + ": " +
                reply.error().to_string());
    return reply.error().code() == vsm::ErrorCode::kInvalid ? kExitUsage : kExitRuntime;
  }
  nlohmann::json j = value_to_json(*reply);
  j.erase("rid");
  j.erase("ok");
  if (json) {
    std::cout << dump_json_line(j) << std::endl;
  } else if (j.contains("rules")) {
    if (j["rules"].empty()) std::cout << "no fault injection in force\n";
    for (const auto& r : j["rules"]) std::cout << r.get<std::string>() << "\n";
  } else {
    std::cout << "partition: " << j.value("partition", "") << " (resolved: "
              << (j.value("resolved", false) ? "yes" : "no, it was not waiting") << ")\n";
  }
  return kExitOk;
}

int run_chaos(const ChaosArgs& a) {
  const int actions = (a.drop ? 1 : 0) + (a.duplicate ? 1 : 0) + (a.reorder ? 1 : 0) +
                      (a.delay.empty() ? 0 : 1) + (a.partition.empty() ? 0 : 1) +
                      (a.clear ? 1 : 0) + (a.list ? 1 : 0);
  if (actions != 1) {
    status_line("vsmcat chaos: error: give exactly one of --drop, --delay, --duplicate, "
                "--reorder, --partition, --clear, --list");
    return kExitUsage;
  }
  auto opened = open_control(a.node, std::chrono::milliseconds(static_cast<int>(a.timeout_s * 1000)));
  if (!opened.client) {
    status_line("vsmcat chaos: error: " + opened.error);
    return opened.exit_code;
  }
  return print_reply("chaos", opened.client->chaos(request_args(a)), a.node, a.json);
}

void add_node_options(CLI::App* app, std::string& node, double& timeout_s, bool& json) {
  add_node_option(*app, node);
  app->add_option("--timeout", timeout_s, "Seconds to wait for the reply")
      ->check(CLI::PositiveNumber);
  app->add_flag("--json", json, "Print one JSON object");
}

}  // namespace

Command register_chaos(CLI::App& root) {
  auto a = std::make_shared<ChaosArgs>();
  auto* app = root.add_subcommand(
      "chaos", "Inject faults into a node's receive paths (needs [chaos] enabled = true)");
  add_node_options(app, a->node, a->timeout_s, a->json);
  const auto prob = CLI::Range(0.0, 1.0);
  app->add_option("--drop", a->drop, "Drop messages with this probability")->check(prob);
  app->add_option("--duplicate", a->duplicate, "Duplicate with this probability")->check(prob);
  app->add_option("--reorder", a->reorder, "Hold one back behind the next, with this probability")
      ->check(prob);
  app->add_option("--delay", a->delay, "Delay every matching message (e.g. 200ms)")
      ->check(check_duration);
  app->add_option("--plane", a->plane, "data, gossip, algedonic or all (default all)")
      ->check(CLI::IsMember({"data", "gossip", "algedonic", "all"}));
  app->add_option("--peer", a->peer, "Only messages from this node (by name)");
  app->add_option("--channel", a->channel, "Only events on this channel (data plane)");
  app->add_option("--count", a->count, "Affect this many messages, then stop (0 = no limit)");
  app->add_option("--for", a->duration, "How long the rule lasts (default 30s)")
      ->check(check_duration);
  app->add_option("--partition", a->partition,
                  "Ignore every message from these members (comma list)");
  app->add_flag("--clear", a->clear, "Remove every rule and the partition");
  app->add_flag("--list", a->list, "Show the rules in force");
  return Command{app, [a] { return run_chaos(*a); }};
}

Command register_partition(CLI::App& root) {
  struct Args {
    std::string node;
    double timeout_s = 2.0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* app = root.add_subcommand("partition", "Operator actions on partitions");
  auto* resolve = app->add_subcommand(
      "resolve", "End the degraded state of a node under the `manual` partition strategy");
  add_node_options(resolve, a->node, a->timeout_s, a->json);
  app->require_subcommand(1);
  return Command{app, [a] {
                   auto opened = open_control(
                       a->node, std::chrono::milliseconds(static_cast<int>(a->timeout_s * 1000)));
                   if (!opened.client) {
                     status_line("vsmcat partition resolve: error: " + opened.error);
                     return opened.exit_code;
                   }
                   return print_reply("partition resolve", opened.client->resolve_partition(),
                                      a->node, a->json);
                 }};
}

}  // namespace vsmcat
