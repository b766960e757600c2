#include "cmd_stats.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control_connect.hpp"
#include "event_json.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "screen_frame.hpp"
#include "signals.hpp"
#include "stats_table.hpp"
#include "stoppable_pacer_clock.hpp"
#include "vsm/control_client.hpp"

namespace vsmcat {
namespace {

using Clock = std::chrono::steady_clock;

struct StatsArgs {
  std::string node;
  double timeout_s = 2.0;
  bool json = false;
  double watch_s = 0;     // 0: one sample
  std::size_t count = 0;  // with --watch: samples to print; 0 = until SIGINT/SIGTERM
};

struct Sample {
  vsm::Value reply;              // the "stats" map
  nlohmann::ordered_json stats;  // the same, keys in the node's order (for the table)
  Clock::time_point at;
};

void say(const std::string& msg) { status_line("vsmcat stats: " + msg); }

// The map with its keys in wire order (channels as the node lists them). Values JSON
// cannot hold as they are take value_to_json's reserved forms (keys sorted then).
nlohmann::ordered_json ordered_json(const vsm::Value& v) {
  const std::string_view enc = v.encoded();
  auto j = nlohmann::ordered_json::from_msgpack(enc.begin(), enc.end(), /*strict=*/true,
                                                /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  return nlohmann::ordered_json::parse(dump_json_line(value_to_json(v)));
}

// One JSON line, or the table: redrawn in place on a terminal, else after a blank line
// when it is not the first (screen_frame.hpp).
WriteResult print_sample(const StatsArgs& a, const Sample& now, const std::optional<Sample>& before,
                         ScreenFrame& screen) {
  if (a.json) return write_stdout_line(dump_json_line(value_to_json(now.reply)));
  if (!before) return screen.draw(render_stats(now.stats));
  const std::chrono::duration<double> interval = now.at - before->at;
  const StatsDelta delta{before->stats, std::max(interval.count(), 1e-9)};
  return screen.draw(render_stats(now.stats, &delta));
}

int run_stats(const StatsArgs& a) {
  const auto timeout = std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000));
  auto opened = open_control(a.node, timeout);
  if (!opened.client) {
    say("error: " + opened.error);
    return opened.exit_code;
  }
  vsm::ControlClient& client = *opened.client;
  ScreenFrame screen(a.watch_s > 0 && ScreenFrame::stdout_is_terminal());
  StoppablePacerClock clock;  // waits between samples end at SIGINT/SIGTERM
  std::optional<StopOnSignal> on_signal;
  if (a.watch_s > 0) on_signal.emplace([&clock] { clock.stop(); });
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.watch_s));
  auto next = clock.now();
  std::optional<Sample> before;
  for (std::size_t n = 1;; ++n) {
    auto reply = client.stats();
    if (!reply) {
      say("error: " + a.node + ": " + reply.error().to_string());
      return kExitRuntime;
    }
    Sample now{*reply, ordered_json(*reply), clock.now()};
    switch (print_sample(a, now, before, screen)) {
      case WriteResult::kOk:
        break;
      case WriteResult::kClosed:
        return kExitOk;  // `vsmcat stats --watch 1 | head` is a normal way to stop
      case WriteResult::kError:
        say("error: cannot write to stdout");
        return kExitRuntime;
    }
    if (a.watch_s <= 0 || n == a.count) return kExitOk;
    next += interval;
    if (next < now.at) next = now.at + interval;  // a slow reply: skip, do not burst
    clock.sleep_until(next);
    if (stop_requested()) return kExitOk;
    before = std::move(now);
  }
}

}  // namespace

Command register_stats(CLI::App& root) {
  auto args = std::make_shared<StatsArgs>();
  auto* app = root.add_subcommand("stats", "Show a node's counters, per channel and node-wide");
  add_node_option(*app, args->node);
  app->add_option("--timeout", args->timeout_s, "Seconds to wait for each reply")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_flag("--json", args->json, "Print one JSON object per sample instead of a table");
  auto* watch = app->add_option("--watch", args->watch_s,
                                "Repeat every S seconds with per-second rates, until SIGINT")
                    ->check(CLI::PositiveNumber);
  app->add_option("-c,--count", args->count, "With --watch: stop after N samples")
      ->needs(watch)
      ->check(CLI::PositiveNumber);
  return Command{app, [args] { return run_stats(*args); }};
}

}  // namespace vsmcat
