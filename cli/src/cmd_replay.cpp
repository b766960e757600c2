// `vsmcat replay`: logged events as JSON lines on stdout, or republished (docs/CLI.md).
#include "cmd_replay.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "endpoint_check.hpp"
#include "event_json.hpp"
#include "log_time.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "progress_line.hpp"
#include "replay_source.hpp"
#include "republisher.hpp"
#include "signals.hpp"
#include "stoppable_pacer_clock.hpp"
#include "vsm/persist/replay_pacer.hpp"

namespace vsmcat {
namespace {

struct ReplayArgs {
  std::string log_dir;
  std::string node;
  double timeout_s = 5.0;
  std::string since;
  std::string until;
  std::string channel;
  std::string source;
  std::string type;
  std::string correlation;
  std::uint64_t count = 0;
  std::optional<double> speed;  // default: 1 with --republish, else 0
  bool skip_damaged = false;    // damaged data: a summary line and exit 0 instead of 3
  bool republish = false;
  NodeOptions publisher;  // --republish: --bind, --name, --role, ...
  std::size_t wait_subs = 0;
  double wait_timeout_s = 10.0;
  std::vector<std::string> connect;  // rejected with an explanation, as in `pub`
};

void say(const std::string& msg) { status_line("vsmcat replay: " + msg); }

// Flags that do not fit together; empty when fine.
std::string usage_error(const ReplayArgs& a) {
  if (a.log_dir.empty() == a.node.empty()) {
    return "give exactly one of --log DIR (a log directory) and --node ENDPOINT (a live "
           "node's control endpoint)";
  }
  if (!a.connect.empty()) {
    return "a republishing node binds and subscribers connect to it: use --republish "
           "--bind ENDPOINT here and `vsmcat sub --connect ENDPOINT` on the other side";
  }
  if (!a.republish && (!a.publisher.bind.empty() || a.wait_subs > 0)) {
    return "--bind and --wait-subs need --republish";
  }
  return {};
}

std::string bound_error(const char* flag, const std::string& value) {
  return std::string(flag) + ": expected an offset, <unix ms>ms or an ISO-8601 time, got '" +
         value + "'";
}

// Fills `q` from the flags; returns an error message for bad values.
std::string build_query(const ReplayArgs& a, vsm::persist::LogQuery& q) {
  if (!a.since.empty()) {
    auto b = parse_log_bound(a.since);
    if (!b) return bound_error("--since", a.since);
    if (b->offset) q.from_offset = *b->offset;
    if (b->wall_ms) q.from_wall_ms = *b->wall_ms;
  }
  if (!a.until.empty()) {
    auto b = parse_log_bound(a.until);
    if (!b) return bound_error("--until", a.until);
    if (b->offset) q.to_offset = *b->offset;
    if (b->wall_ms) q.to_wall_ms = *b->wall_ms;
  }
  if (!a.channel.empty()) {
    q.channel = vsm::parse_channel(a.channel);
    if (!q.channel) {
      return "--channel: unknown channel '" + a.channel +
             "' (command, coordination, audit, algedonic, resource_bargain)";
    }
  }
  if (!a.source.empty()) q.source = a.source;
  if (!a.type.empty()) q.type = a.type;
  if (!a.correlation.empty()) q.correlation_id = a.correlation;
  q.limit = static_cast<std::size_t>(a.count);
  return {};
}

vsm::Status read_events(const ReplayArgs& a, const vsm::persist::LogQuery& q,
                        const EntryVisitor& visit, ReplaySkips& skips, ReplayRange& range) {
  if (!a.log_dir.empty()) return replay_from_log(a.log_dir, q, visit, skips, &range);
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_s * 1000));
  return replay_from_node(a.node, timeout, q, visit, skips);
}

// Damage is never silent: each skipped region on stderr and kExitDamaged, or with
// --skip-damaged one summary line and kExitOk. Returns the exit code.
int report_skips(const ReplaySkips& skips, bool skip_damaged) {
  if (!skips.any()) return kExitOk;
  if (!skip_damaged) {
    for (const auto& c : skips.corruption) say("damaged: " + vsm::persist::describe(c));
    if (skips.decode_errors > 0) {
      say("damaged: " + std::to_string(skips.decode_errors) + " undecodable record(s) skipped");
    }
  }
  say("skipped " + std::to_string(skips.corruption.size()) + " damaged region(s) and " +
      std::to_string(skips.decode_errors) + " undecodable record(s), ~" +
      std::to_string(skips.events_lost()) + " events lost" +
      (skip_damaged ? " (--skip-damaged)" : "; exit 3 (--skip-damaged accepts the loss)"));
  return skip_damaged ? kExitOk : kExitDamaged;
}

// Emits each event (stdout or the fabric), paced; returns the exit code.
int replay(const ReplayArgs& a, const vsm::persist::LogQuery& q, Republisher* republisher,
           StoppablePacerClock& clock) {
  const double speed = a.speed.value_or(republisher != nullptr ? 1.0 : 0.0);
  vsm::persist::ReplayPacer pacer({speed, 0}, clock);
  ProgressLine progress(republisher != nullptr ? "republished" : "replayed");
  std::uint64_t n = 0;
  int rc = kExitOk;
  ReplaySkips skips;
  ReplayRange range;  // --log: the records the replay walks through, for "% of N, ETA"
  vsm::Status s = read_events(
      a, q,
      [&](const vsm::persist::LogEntry& e) {
        if (n == 0 && range.records > 0) progress.set_total(range.records, "records");
        pacer.pace(e.event.ts.wall_ms);
        if (stop_requested()) return false;
        if (republisher != nullptr) {
          if (auto st = republisher->publish(e.event); !st) {
            if (!stop_requested()) {
              say("error: event " + e.event.id.to_string() + " (offset " + std::to_string(e.offset) +
                  "): " + st.error().to_string());
              rc = kExitRuntime;
            }
            return false;
          }
        } else if (const WriteResult w = write_stdout_line(dump_json_line(event_to_json(e.event)));
                   w != WriteResult::kOk) {
          if (w == WriteResult::kError) rc = kExitRuntime;
          return false;  // kClosed: the reader went away (`| head`), a normal stop
        }
        progress.update(++n, e.offset >= range.first ? e.offset - range.first + 1 : 0);
        return true;
      },
      skips, range);
  progress.finish(s.ok() && rc == kExitOk && !stop_requested() &&
                  (q.limit == 0 || n < q.limit));
  const int damaged = report_skips(skips, a.skip_damaged);
  if (!s) {
    say("error: " + s.error().to_string());
    return kExitRuntime;
  }
  return rc != kExitOk ? rc : damaged;
}

int run_replay(const ReplayArgs& a) {
  vsm::persist::LogQuery q;
  std::string err = usage_error(a);
  if (err.empty()) err = build_query(a, q);
  if (!err.empty()) {
    say(err);
    return kExitUsage;
  }
  if (!a.node.empty()) {
    const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout_s * 1000));
    if (auto problem = check_endpoint(a.node, vsm::EndpointKind::kControl, timeout)) {
      say("error: " + problem->message);
      return problem->exit_code;
    }
  }
  StoppablePacerClock clock;
  if (!a.republish) {
    StopOnSignal on_signal([&clock] { clock.stop(); });
    return replay(a, q, nullptr, clock);
  }
  auto republisher = Republisher::start(a.publisher);
  if (!republisher) {
    say("error: " + republisher.error().message());
    return exit_code_for(republisher.error());
  }
  Republisher& r = **republisher;
  StopOnSignal on_signal([&clock, &r] {
    clock.stop();
    r.interrupt();
  });
  int rc = kExitOk;
  if (a.wait_subs > 0) {
    if (auto st = r.wait_for_subscribers(a.wait_subs, a.wait_timeout_s); !st) {
      say(st.error().message());
      rc = st.error().code() == vsm::ErrorCode::kShuttingDown ? kExitOk : kExitRuntime;
    }
  }
  if (rc == kExitOk && !stop_requested()) rc = replay(a, q, &r, clock);
  r.stop();  // flushes queued events for up to linger_ms
  say("republished " + std::to_string(r.published()) + " event(s)" +
      (stop_requested() ? " (interrupted)" : ""));
  return rc;
}

void add_filter_options(CLI::App& app, ReplayArgs& a) {
  app.add_option("--since", a.since,
                 "First event: log offset (1234), Unix ms (1700000000000ms) or ISO-8601 time");
  app.add_option("--until", a.until, "Last event (inclusive), same forms as --since");
  app.add_option("-t,--channel", a.channel, "Only this channel");
  app.add_option("--source", a.source, "Only this source");
  app.add_option("--type", a.type, "Only this event type");
  app.add_option("--correlation", a.correlation, "Only this correlation id");
  app.add_option("-c,--count", a.count, "Stop after this many events (0 = all)");
  app.add_flag("--skip-damaged", a.skip_damaged,
               "Accept damaged log data: one summary line on stderr and exit 0 instead of "
               "each damaged region and exit 3");
}

void add_republish_options(CLI::App& app, ReplayArgs& a) {
  app.add_flag("--republish", a.republish,
               "Publish the events onto the fabric through a node instead of printing them");
  add_bind_option(app, a.publisher);
  add_identity_options(app, a.publisher);
  app.add_option("--wait-subs", a.wait_subs,
                 "--republish: wait for N ready subscribers before the first event");
  app.add_option("--wait-timeout", a.wait_timeout_s, "Seconds --wait-subs may wait (default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--connect", a.connect, "Not supported: subscribers connect to a publisher")
      ->group("");
}

}  // namespace

Command register_replay(CLI::App& root) {
  auto* app = root.add_subcommand(
      "replay", "Print logged events as JSON lines, or republish them; optionally paced");
  auto a = std::make_shared<ReplayArgs>();
  app->add_option("--log", a->log_dir, "Event log directory");
  app->add_option("--node", a->node, "Control endpoint of a live node (vsmcat node prints it)")
      ->check([](const std::string& ep) {
        auto st = validate_peer_endpoint(ep);
        return st ? std::string() : st.error().message();
      });
  app->add_option("--timeout", a->timeout_s, "--node: seconds to wait for each reply (default 5)")
      ->check(CLI::PositiveNumber);
  add_filter_options(*app, *a);
  app->add_option("--speed", a->speed,
                  "Pacing: 0 = as fast as possible, 1 = original timing, 2 = twice as fast "
                  "(default 0, or 1 with --republish)")
      ->check(CLI::NonNegativeNumber);
  add_republish_options(*app, *a);
  return Command{app, [a]() { return run_replay(*a); }};
}

}  // namespace vsmcat
