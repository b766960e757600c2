// `vsmcat sub`: a node that connects to publishers (--connect), subscribes with a
// Filter and prints each matching event as one JSON line (or -f FORMAT) on stdout.
// "ready" goes to stderr (and --ready-file) once the subscription is in place; a
// publisher that waits for subscribers (`pub --wait-subs`) then reaches it.
// Ends after -c N events (exit 0), after --timeout seconds without an event (exit 0,
// or 1 when -c N was given and not reached), on SIGINT/SIGTERM (exit 0), or when
// stdout is closed (exit 0). Each --connect endpoint is checked first (a publisher must
// answer there: endpoint_check.hpp), so a dead port, an unknown host or a control
// endpoint is an error, not a silent wait. --telemetry prints the fabric's telemetry
// reports instead of events; --log DIR records every received event.
#include "cmd_sub.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>

#include "endpoint_check.hpp"
#include "event_json.hpp"
#include "event_printer.hpp"
#include "log_time.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "telemetry_json.hpp"
#include "telemetry_queue.hpp"
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
  std::string mode = "best_effort";
  std::uint64_t from_seq = 0;
  std::string from_time;
  std::size_t queue = 65'536;
  bool telemetry = false;
  double connect_timeout_s = 5.0;
};

vsm::SubscribeOptions make_options(const SubOptions& o) {
  vsm::SubscribeOptions opt;
  if (o.mode == "reliable") opt.mode = vsm::DeliveryMode::kReliable;
  if (o.mode == "latest_only") opt.mode = vsm::DeliveryMode::kLatestOnly;
  opt.start_seq = o.from_seq;
  if (!o.from_time.empty()) {
    if (auto b = parse_log_bound(o.from_time); b && b->wall_ms) opt.start_time_ms = *b->wall_ms;
  }
  opt.queue_capacity = o.queue;
  return opt;
}

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

// Pulls and prints until count, idle timeout, signal or closed stdout: `next` waits up to
// the given time for the next item, `emit` writes it.
int receive_loop(const std::function<bool(std::chrono::milliseconds)>& next,
                 const std::function<WriteResult()>& emit, const SubOptions& o) {
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
    if (!next(wait)) continue;
    switch (emit()) {
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

// Every --connect endpoint must answer as a publisher; the first that does not is the
// error (and its exit code). 0 when all do.
int check_publishers(const std::vector<std::string>& peers, const SubOptions& o) {
  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(o.connect_timeout_s * 1000));
  for (const auto& ep : peers) {
    if (auto problem = check_endpoint(ep, vsm::EndpointKind::kPublisher, timeout)) {
      say("error: " + problem->message);
      return problem->exit_code;
    }
  }
  return kExitOk;
}

int print_telemetry(vsm::Node& node, const SubOptions& o);

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
  if (cfg->peers.empty() && cfg->seeds.empty()) {
    say("error: nothing to subscribe to: give --connect ENDPOINT (a publisher's endpoint, "
        "e.g. the one `vsmcat pub` prints), --seeds HOST:PORT or [node] peers in --config");
    return kExitUsage;
  }
  if (o.telemetry && (!o.channel.empty() || !o.target.empty() || !o.correlation.empty() ||
                      !o.format.empty() || o.mode != "best_effort")) {
    say("error: --telemetry prints telemetry reports: it takes --source NODE and --type KIND "
        "as filters, not -t, --target, --correlation, -f or --mode");
    return kExitUsage;
  }
  if (int rc = check_publishers(cfg->peers, o); rc != kExitOk) return rc;
  if (!cfg->log_dir.empty()) cfg->log_received = true;  // a subscriber records what it hears
  vsm::Node node(std::move(cfg).value());
  if (auto st = node.start(); !st) {
    say("error: cannot start the node: " + st.error().to_string());
    return exit_code_for(st.error());
  }
  if (o.telemetry) {
    const int rc = print_telemetry(node, o);
    node.stop();
    return rc;
  }
  if ((o.from_seq > 0 || !o.from_time.empty()) && o.mode != "reliable") {
    say("error: --from-seq/--from-time need --mode reliable (history is fetched by gap repair)");
    return kExitUsage;
  }
  if (!o.from_time.empty()) {
    auto b = parse_log_bound(o.from_time);
    if (!b || !b->wall_ms) {
      say("error: --from-time: expected <unix ms>ms or an ISO-8601 time, got '" + o.from_time +
          "'");
      return kExitUsage;
    }
  }
  auto sub = node.subscribe(make_filter(o), make_options(o));
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
    vsm::Event event;  // reused: next_into() recycles its buffers
    rc = receive_loop([&](std::chrono::milliseconds wait) { return sub->next_into(event, wait); },
                      [&] { return printer.print(event); }, o);
  }
  if (sub->dropped() > 0)
    say("warning: " + std::to_string(sub->dropped()) + " event(s) dropped (slow reader)");
  for (const auto& d : sub->dead_letters()) {
    say("warning: gave up " + d.publisher + " " + std::string(vsm::channel_name(d.channel)) +
        " seq " + std::to_string(d.from_seq) + ".." + std::to_string(d.to_seq) + ": " + d.reason);
  }
  sub->close();
  node.stop();
  return rc;
}

// --telemetry: other nodes' reports (kRemote), filtered by --source (node) and --type
// (kind), as JSON lines.
int print_telemetry(vsm::Node& node, const SubOptions& o) {
  TelemetryQueue queue;
  const auto token = node.on_telemetry(
      [&queue, &o](const vsm::TelemetryEvent& e) {
        if (!o.source.empty() && e.node != o.source) return;
        if (!o.type.empty() && vsm::telemetry_kind_name(e.kind) != o.type) return;
        queue.push(e);
      },
      vsm::TelemetryOrigin::kRemote);
  StopOnSignal on_signal([&queue] { queue.close(); });
  if (!o.ready_file.empty()) {
    if (auto st = write_file_atomic(o.ready_file, {"ready"}); !st) {
      say("error: " + st.error().message());
      return kExitRuntime;
    }
  }
  status_line("ready");
  vsm::TelemetryEvent report;
  const int rc = receive_loop(
      [&](std::chrono::milliseconds wait) { return queue.pop(report, wait); },
      [&] { return write_stdout_line(dump_json_line(telemetry_to_json(report))); }, o);
  node.remove_telemetry_callback(token);
  if (queue.dropped() > 0) {
    say("warning: " + std::to_string(queue.dropped()) + " report(s) dropped (slow reader)");
  }
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
  app->add_option("--mode", o->mode,
                  "Delivery mode: best_effort (default; losses counted), reliable (per-publisher "
                  "order, gaps repaired from the publisher, no duplicates), latest_only "
                  "(newest event per topic)")
      ->check(CLI::IsMember({"best_effort", "reliable", "latest_only"}));
  app->add_option("--from-seq", o->from_seq,
                  "Reliable: start every publisher's stream at this seq (1 = all history the "
                  "publisher retains, then live)");
  app->add_option("--queue", o->queue, "Events buffered for a slow reader")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
  app->add_option("--from-time", o->from_time,
                  "Reliable: start each publisher's stream at its first event at/after this "
                  "time (ISO-8601 or <unix ms>ms), then live")
      ->excludes("--from-seq");
  app->add_option("--timeout", o->timeout_s,
                  "Exit after SECONDS without an event (exit 1 if -c N was not reached)")
      ->check(CLI::PositiveNumber);
  app->add_flag("-e,--exit-idle", o->exit_idle, "Exit when idle for 1 s (like --timeout 1)");
  app->add_option("-f,--format", o->format,
                  "Output format: %T time %c channel %s source %t type %p payload %i id %S seq "
                  "%g target %k correlation %K causation %P priority %% \\n \\t");
  app->add_option("--ready-file", o->ready_file,
                  "Write 'ready' to PATH once subscribed (also printed on stderr)");
  app->add_flag("--telemetry", o->telemetry,
                "Print the telemetry reports of the nodes connected to (JSON lines) instead of "
                "events; --source NODE and --type KIND filter them");
  app->add_option("--connect-timeout", o->connect_timeout_s,
                  "Seconds to wait for each --connect endpoint to answer as a publisher")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_identity_options(*app, o->node);
  add_fabric_options(*app, o->node);
  return {app, [o] { return run_sub(*o); }};
}

}  // namespace vsmcat
