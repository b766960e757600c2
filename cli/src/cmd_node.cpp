// `vsmcat node`: a standalone node (daemon). Prints "endpoint <ep>", "control <ep>",
// "gossip <host:port>", "dish <ep>" and "metrics <url>" lines and "ready" on stderr (and
// the endpoints to --endpoints-file), optionally prints every received
// event as a JSON line (--print), and runs until SIGINT/SIGTERM; then stops cleanly
// (flushing queued events) and exits 0.
#include "cmd_node.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "event_printer.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "telemetry_json.hpp"
#include "vsm/node.hpp"

namespace vsmcat {
namespace {

struct NodeCmdOptions {
  NodeOptions node;
  bool print = false;
  std::string format;
  std::string endpoints_file;
};

void say(const std::string& msg) { status_line("vsmcat node: " + msg); }

int print_until_stopped(vsm::Subscription& sub, EventPrinter& printer) {
  vsm::Event event;  // reused: next_into() recycles its buffers
  while (!stop_requested()) {
    if (!sub.next_into(event, std::chrono::milliseconds(500))) continue;
    switch (printer.print(event)) {
      case WriteResult::kOk:
        break;
      case WriteResult::kClosed:
        return kExitOk;
      case WriteResult::kError:
        say("error: cannot write to stdout");
        return kExitRuntime;
    }
  }
  return kExitOk;
}

void log_stats(const vsm::NodeStats& stats) {
  const auto t = stats.total();
  say("stopped: published " + std::to_string(t.published) + ", sent " + std::to_string(t.sent) +
      ", received " + std::to_string(t.received) + ", delivered " + std::to_string(t.delivered) +
      ", dropped " + std::to_string(t.dropped) + ", decode errors " +
      std::to_string(stats.decode_errors));
}

int run_node(const NodeCmdOptions& o) {
  auto parsed = parse_optional_format(o.format);
  if (!parsed) {
    say("error: -f: " + parsed.error().message());
    return kExitUsage;
  }
  std::optional<EventFormat> format = std::move(parsed).value();
  auto cfg = build_node_config(o.node, default_node_name("node"));
  if (!cfg) {
    say("error: " + cfg.error().message());
    return exit_code_for(cfg.error());
  }
  vsm::Node node(std::move(cfg).value());
  // What changes in the fabric (members, partitions, alerts, breakers, the log) goes to
  // stderr as it happens; the periodic flow reports do not.
  node.on_telemetry([](const vsm::TelemetryEvent& e) {
    if (e.kind == vsm::TelemetryKind::kFlow || e.kind == vsm::TelemetryKind::kMemberUpdated) return;
    say(telemetry_summary(e));
  });
  if (auto st = node.start(); !st) {
    say("error: cannot start the node: " + st.error().to_string());
    return exit_code_for(st.error());
  }
  vsm::Subscription sub;
  if (o.print || format) {
    auto s = node.subscribe(vsm::Filter::all());
    if (!s) {
      say("error: cannot subscribe: " + s.error().to_string());
      return exit_code_for(s.error());
    }
    sub = std::move(s).value();
  }
  // Registered before the status lines: a script may signal as soon as it sees "ready".
  std::atomic<bool> stop{false};
  StopOnSignal on_signal([&stop, &sub] {
    stop = true;
    stop.notify_all();
    sub.close();  // wakes next(); a no-op for an invalid (never set) subscription
  });
  const auto endpoints = node.endpoints();
  for (const auto& ep : endpoints) status_line("endpoint " + ep);
  if (auto c = node.control_endpoint(); !c.empty()) status_line("control " + c);
  if (auto g = node.gossip_address(); !g.empty()) status_line("gossip " + g);
  // The algedonic lane's DISH: what `vsmcat alert --dish-peer` (or dish_peers) names.
  if (auto d = node.dish_endpoint(); !d.empty()) status_line("dish " + d);
  if (auto m = node.metrics_endpoint(); !m.empty()) status_line("metrics " + m);
  if (!o.endpoints_file.empty()) {
    if (auto st = write_file_atomic(o.endpoints_file, endpoints); !st) {
      say("error: " + st.error().message());
      return kExitRuntime;
    }
  }
  status_line("ready");
  int rc = kExitOk;
  if (sub.valid()) {
    EventPrinter printer(std::move(format));
    rc = print_until_stopped(sub, printer);
  } else {
    stop.wait(false);
  }
  sub.close();
  const auto stats = node.stats();
  node.stop();
  log_stats(stats);
  return rc;
}

}  // namespace

Command register_node(CLI::App& root) {
  auto o = std::make_shared<NodeCmdOptions>();
  CLI::App* app = root.add_subcommand("node", "Run a standalone node until SIGINT/SIGTERM");
  add_bind_option(*app, o->node);
  add_peers_option(*app, o->node, "--peers",
                   "Publisher endpoint to connect to (repeatable), e.g. tcp://127.0.0.1:5555");
  add_identity_options(*app, o->node);
  add_fabric_options(*app, o->node);
  app->add_flag("--print", o->print, "Print every received event as a JSON line on stdout");
  app->add_option("-f,--format", o->format, "Print received events with this format (see sub -f)");
  app->add_option("--endpoints-file", o->endpoints_file,
                  "Write the bound endpoints to PATH, one per line");
  return {app, [o] { return run_node(*o); }};
}

}  // namespace vsmcat
