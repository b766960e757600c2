// `vsmcat alert --severity critical --signal pain -d "pump 3 overheating" --metric temp=97.5
//  --dish-peer udp://127.0.0.1:7001 [--wait-subs N] [--key HEX]`
// Starts a node, optionally waits for N data-plane subscribers (so the redundant copy
// reaches `vsmcat sub -t algedonic`), raises the alert, waits for the report and prints
// it as JSON on stdout. Exit 0 when every peer acknowledged (with no peer at all: when a
// data-plane subscriber was ready), 1 otherwise (with a warning when it reached no one),
// 2 on usage.
// The lane settings come from the --config [node] keys dish_bind, dish_peers and
// cluster_key; --dish-bind and --key override them, --dish-peer adds to dish_peers.
#include "cmd_alert.hpp"

#include <charconv>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "node_options.hpp"
#include "output.hpp"
#include "vsm/algedonic.hpp"
#include "vsm/node.hpp"

namespace vsmcat {
namespace {

struct AlertOptions {
  NodeOptions node;
  std::string severity = "high";
  std::string signal = "pain";
  std::string description;
  std::vector<std::string> metrics;  // NAME=NUMBER
  std::vector<std::string> dish_peers;   // added to [node] dish_peers
  std::optional<std::string> dish_bind;  // unset: [node] dish_bind, else NodeConfig's
  std::optional<std::string> key;        // unset: [node] cluster_key
  std::size_t wait_subs = 0;
  double timeout_s = 10.0;
};

void say(const std::string& msg) { status_line("vsmcat alert: " + msg); }

vsm::Result<std::map<std::string, double>> parse_metrics(const std::vector<std::string>& in) {
  std::map<std::string, double> out;
  for (const auto& m : in) {
    const auto eq = m.find('=');
    double v = 0;
    const char* end = m.data() + m.size();
    if (eq == std::string::npos || eq == 0 ||
        std::from_chars(m.data() + eq + 1, end, v).ptr != end || eq + 1 == m.size()) {
      return vsm::Error::invalid("--metric '" + m + "' must be NAME=NUMBER, e.g. temp=97.5");
    }
    out[m.substr(0, eq)] = v;
  }
  return out;
}

nlohmann::json report_json(const vsm::AlgedonicReceipt& receipt, const vsm::DeliveryReport& r) {
  nlohmann::json j;
  j["id"] = receipt.id.to_string();
  j["seq"] = receipt.seq;
  j["data_plane"] = receipt.data_plane;
  j["delivered"] = r.delivered_count();
  j["peers_total"] = r.peers.size();
  j["closed"] = r.closed;
  j["peers"] = nlohmann::json::array();
  for (const auto& p : r.peers) {
    j["peers"].push_back({{"endpoint", p.endpoint},
                          {"node", p.node},
                          {"delivered", p.delivered},
                          {"attempts", p.attempts},
                          {"latency_us", p.latency.count()}});
  }
  return j;
}

int run_alert(const AlertOptions& o) {
  auto severity = vsm::parse_severity(o.severity);
  auto signal = vsm::parse_signal(o.signal);
  auto metrics = parse_metrics(o.metrics);
  if (!metrics) {
    say(metrics.error().message());
    return kExitUsage;
  }
  auto cfg = build_node_config(o.node, default_node_name("alert"));
  if (!cfg) {
    say(cfg.error().to_string());
    return exit_code_for(cfg.error());
  }
  if (o.dish_bind) cfg->dish_bind = *o.dish_bind;
  if (o.key) cfg->cluster_key = *o.key;
  cfg->dish_peers.insert(cfg->dish_peers.end(), o.dish_peers.begin(), o.dish_peers.end());
  vsm::Node node(std::move(cfg).value());
  if (auto st = node.start(); !st) {
    say(st.error().to_string());
    return exit_code_for(st.error());
  }
  say("endpoint " + node.endpoints().front());
  if (o.wait_subs > 0 &&
      !node.wait_for_subscribers(o.wait_subs, std::chrono::milliseconds(
                                                  static_cast<long>(o.timeout_s * 1000)))) {
    say("warning: fewer than " + std::to_string(o.wait_subs) +
        " data-plane subscribers; raising the alert anyway");
  }
  // Whether the data-plane copy has anyone to reach (ready subscriber nodes, now).
  const bool subscribers = node.wait_for_subscribers(1, std::chrono::milliseconds(0));
  auto receipt = node.publish_algedonic(*severity, *signal, o.description, *metrics);
  if (!receipt) {
    say(receipt.error().to_string());
    return exit_code_for(receipt.error());
  }
  const auto timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
  if (receipt->report.wait_for(timeout) != std::future_status::ready) {
    say("no delivery report within --timeout");
    node.stop();
  }
  const vsm::DeliveryReport report = receipt->report.get();  // stop() resolves it
  if (write_stdout_line(report_json(*receipt, report).dump()) == WriteResult::kError) {
    return kExitRuntime;
  }
  node.stop();  // flushes the data-plane copy (linger)
  if (report.peers.empty() && !subscribers) {
    say("warning: the alert reached no one: no algedonic peer (--dish-peer, [node] dish_peers) "
        "and no data-plane subscriber ready (--wait-subs N waits for N of them)");
    return kExitRuntime;
  }
  return report.all_delivered() ? kExitOk : kExitRuntime;
}

std::string check_severity(const std::string& s) {
  return vsm::parse_severity(s) ? "" : "unknown severity '" + s +
                                           "' (low, medium, high, critical, emergency)";
}

std::string check_signal(const std::string& s) {
  return vsm::parse_signal(s) ? "" : "unknown signal '" + s + "' (pain, pleasure)";
}

}  // namespace

Command register_alert(CLI::App& root) {
  auto o = std::make_shared<AlertOptions>();
  CLI::App* app = root.add_subcommand(
      "alert", "Raise an algedonic alert over the UDP lane and the data plane; print the "
               "delivery report as JSON");
  app->add_option("--severity", o->severity, "low, medium, high, critical, emergency")
      ->check(check_severity)
      ->capture_default_str();
  app->add_option("--signal", o->signal, "pain or pleasure")
      ->check(check_signal)
      ->capture_default_str();
  app->add_option("-d,--description", o->description, "What is wrong (or right)")->required();
  app->add_option("--metric", o->metrics, "NAME=NUMBER (repeatable), e.g. temp=97.5");
  app->add_option("--dish-peer", o->dish_peers,
                  "Peer DISH endpoint to alert (repeatable, added to [node] dish_peers), "
                  "e.g. udp://127.0.0.1:7001");
  app->add_option("--dish-bind", o->dish_bind,
                  "This node's DISH, where acks arrive (default: [node] dish_bind, else "
                  "udp://127.0.0.1:*)");
  app->add_option("--key", o->key,
                  "Cluster key, 64 hex characters, seals datagrams (default: [node] cluster_key)");
  app->add_option("--wait-subs", o->wait_subs,
                  "Wait for N data-plane subscribers before raising the alert");
  app->add_option("--timeout", o->timeout_s, "Seconds to wait for subscribers and the report")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_peers_option(*app, o->node, "--connect",
                   "Publisher endpoint to connect to (repeatable), e.g. tcp://127.0.0.1:5555");
  add_bind_option(*app, o->node);
  add_identity_options(*app, o->node);
  return {app, [o] { return run_alert(*o); }};
}

}  // namespace vsmcat
