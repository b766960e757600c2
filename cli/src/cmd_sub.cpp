// `vsmcat sub`: a node that connects to publishers (--connect), subscribes with a
// Filter and prints each matching event as one JSON line (or -f FORMAT) on stdout.
// "ready" goes to stderr (and --ready-file) once the subscription is in place; a
// publisher that waits for subscribers (`pub --wait-subs`) then reaches it.
// Ends after -c N events (exit 0), after --timeout seconds without an event (exit 0,
// or 1 when -c N was given and not reached), on SIGINT/SIGTERM (exit 0), or when
// stdout is closed (exit 0).
#include "cmd_sub.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "event_printer.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "vsm/node.hpp"

namespace vsmcat {
namespace {

struct SubOptions {
  NodeOptions node;
  std::string channel;
  std::string source;
  std::string type;
  std::string target;
  std::string correlation;
  std::uint64_t count = 0;
  std::optional<double> timeout_s;
  bool exit_idle = false;
  std::string format;
  std::string ready_file;
};

void say(const std::string& msg) { status_line("vsmcat sub: " + msg); }

vsm::Filter make_filter(const SubOptions& o) {
  vsm::Filter f;
  if (!o.channel.empty()) f.channel = vsm::parse_channel(o.channel);  // checked by CLI11
  if (!o.source.empty()) f.source = o.source;
  if (!o.type.empty()) f.type = o.type;
  if (!o.target.empty()) f.target = o.target;
  if (!o.correlation.empty()) f.correlation_id = o.correlation;
  return f;
}

// Pulls and prints until count, idle timeout, signal or closed stdout.
int receive_loop(vsm::Subscription& sub, EventPrinter& printer, const SubOptions& o) {
  using Clock = std::chrono::steady_clock;
  const std::optional<double> idle_s =
      o.timeout_s ? o.timeout_s : (o.exit_idle ? std::optional(1.0) : std::nullopt);
  const auto idle = std::chrono::milliseconds(static_cast<std::int64_t>(idle_s.value_or(0) * 1000));
  auto deadline = Clock::now() + idle;
  std::uint64_t received = 0;
  while (!stop_requested()) {
    auto wait = std::chrono::milliseconds(500);
    if (idle_s) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= std::chrono::milliseconds::zero()) {
        spdlog::info("idle for {} s after {} event(s)", *idle_s, received);
        if (o.count > 0) {
          say("error: timed out after " + std::to_string(*idle_s) + " s idle: received " +
              std::to_string(received) + " of " + std::to_string(o.count) + " event(s)");
          return kExitRuntime;
        }
        return kExitOk;
      }
      wait = std::min(wait, left);
    }
    auto event = sub.next(wait);
    if (!event) continue;
    switch (printer.print(*event)) {
      case WriteResult::kOk:
        break;
      case WriteResult::kClosed:
        return kExitOk;
      case WriteResult::kError:
        say("error: cannot write to stdout");
        return kExitRuntime;
    }
    ++received;
    if (o.count > 0 && received >= o.count) return kExitOk;
    deadline = Clock::now() + idle;
  }
  return kExitOk;
}

int run_sub(const SubOptions& o) {
  auto parsed = parse_optional_format(o.format);
  if (!parsed) {
    say("error: -f: " + parsed.error().message());
    return kExitUsage;
  }
  std::optional<EventFormat> format = std::move(parsed).value();
  auto cfg = build_node_config(o.node, default_node_name("sub"));
  if (!cfg) {
    say("error: " + cfg.error().message());
    return exit_code_for(cfg.error());
  }
  if (cfg->peers.empty()) {
    say("error: nothing to subscribe to: give --connect ENDPOINT (a publisher's endpoint, "
        "e.g. the one `vsmcat pub` prints) or [node] peers in --config");
    return kExitUsage;
  }
  vsm::Node node(std::move(cfg).value());
  if (auto st = node.start(); !st) {
    say("error: cannot start the node: " + st.error().to_string());
    return exit_code_for(st.error());
  }
  auto sub = node.subscribe(make_filter(o));
  if (!sub) {
    say("error: cannot subscribe: " + sub.error().to_string());
    return exit_code_for(sub.error());
  }
  // Registered before "ready": a script may signal as soon as it sees it.
  StopOnSignal on_signal([&sub] { sub->close(); });
  if (!o.ready_file.empty()) {
    if (auto st = write_file_atomic(o.ready_file, {"ready"}); !st) {
      say("error: " + st.error().message());
      return kExitRuntime;
    }
  }
  status_line("ready");
  int rc = kExitOk;
  {
    EventPrinter printer(std::move(format));
    rc = receive_loop(*sub, printer, o);
  }
  if (sub->dropped() > 0)
    say("warning: " + std::to_string(sub->dropped()) + " event(s) dropped (slow reader)");
  sub->close();
  node.stop();
  return rc;
}

std::string check_channel(const std::string& c) {
  return vsm::parse_channel(c) ? ""
                               : "unknown channel '" + c +
                                     "' (command, coordination, audit, "
                                     "algedonic, resource_bargain)";
}

}  // namespace

Command register_sub(CLI::App& root) {
  auto o = std::make_shared<SubOptions>();
  CLI::App* app = root.add_subcommand(
      "sub", "Subscribe to publishers and print matching events as JSON lines (or -f)");
  add_peers_option(*app, o->node, "--connect",
                   "Publisher endpoint to connect to (repeatable), e.g. tcp://127.0.0.1:5555");
  app->add_option("-t,--channel", o->channel, "Only this channel")->check(check_channel);
  app->add_option("--source", o->source, "Only events from this source");
  app->add_option("--type", o->type, "Only events of this type");
  app->add_option("--target", o->target, "Only events for this target (and broadcast ones)");
  app->add_option("--correlation", o->correlation, "Only events with this correlation id");
  app->add_option("-c,--count", o->count, "Exit after N events");
  app->add_option("--timeout", o->timeout_s,
                  "Exit after SECONDS without an event (exit 1 if -c N was not reached)")
      ->check(CLI::PositiveNumber);
  app->add_flag("-e,--exit-idle", o->exit_idle, "Exit when idle for 1 s (like --timeout 1)");
  app->add_option("-f,--format", o->format,
                  "Output format: %T time %c channel %s source %t type %p payload %i id %S seq "
                  "%g target %k correlation %K causation %P priority %% \\n \\t");
  app->add_option("--ready-file", o->ready_file,
                  "Write 'ready' to PATH once subscribed (also printed on stderr)");
  add_identity_options(*app, o->node);
  add_fabric_options(*app, o->node);
  return {app, [o] { return run_sub(*o); }};
}

}  // namespace vsmcat
