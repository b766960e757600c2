#include "cmd_status.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "control_connect.hpp"
#include "event_json.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "screen_frame.hpp"
#include "signals.hpp"
#include "status_view.hpp"
#include "stoppable_pacer_clock.hpp"
#include "vsm/control_client.hpp"

namespace vsmcat {
namespace {

using Clock = std::chrono::steady_clock;

struct StatusArgs {
  std::string node;
  double timeout_s = 2.0;
  double interval_s = 1.0;
  bool once = false;
  bool json = false;
  std::size_t count = 0;  // frames; 0 = until SIGINT/SIGTERM (1 with --once)
  std::size_t width = 80;
};

void say(const std::string& msg) { status_line("vsmcat status: " + msg); }

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// The four replies a frame is drawn from.
vsm::Result<StatusSnapshot> fetch(vsm::ControlClient& c) {
  StatusSnapshot s;
  auto info = c.info();
  if (!info) return info.error();
  auto members = c.members();
  if (!members) return members.error();
  auto stats = c.stats();
  if (!stats) return stats.error();
  auto recent = c.recent();
  if (!recent) return recent.error();
  s.info = value_to_json(*info);
  s.members = value_to_json(*members);
  s.stats = value_to_json(*stats);
  s.recent = value_to_json(*recent);
  s.at_ms = unix_ms();
  return s;
}

int run_status(const StatusArgs& a) {
  const auto timeout = std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000));
  auto opened = open_control(a.node, timeout);
  if (!opened.client) {
    say("error: " + opened.error);
    return opened.exit_code;
  }
  vsm::ControlClient& client = *opened.client;
  StoppablePacerClock clock;  // waits between frames end at SIGINT/SIGTERM
  std::optional<StopOnSignal> on_signal;
  if (!a.once) on_signal.emplace([&clock] { clock.stop(); });
  ScreenFrame screen(!a.once && !a.json && ScreenFrame::stdout_is_terminal());
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.interval_s));
  auto next = clock.now();
  const std::size_t frames = a.once ? 1 : a.count;
  for (std::size_t n = 1;; ++n) {
    auto snap = fetch(client);
    if (!snap) {
      say("error: " + a.node + ": " + snap.error().to_string());
      return kExitRuntime;
    }
    const WriteResult w = a.json ? write_stdout_line(dump_json_line(status_json(*snap)))
                                 : screen.draw(render_status(*snap, a.width));
    if (w == WriteResult::kClosed) return kExitOk;
    if (w == WriteResult::kError) {
      say("error: cannot write to stdout");
      return kExitRuntime;
    }
    if (n == frames) return kExitOk;
    next += interval;
    if (next < clock.now()) next = clock.now() + interval;  // a slow reply: no burst
    clock.sleep_until(next);
    if (stop_requested()) return kExitOk;
  }
}

}  // namespace

Command register_status(CLI::App& root) {
  auto args = std::make_shared<StatusArgs>();
  auto* app = root.add_subcommand(
      "status",
      "Live view of the fabric as one node sees it: VSM tree, partition, rates, "
      "alerts (like top)");
  add_node_option(*app, args->node);
  app->add_flag("--once", args->once, "Print one frame and exit (for scripts)");
  app->add_flag("--json", args->json, "One JSON object per refresh instead of the view");
  app->add_option("--interval", args->interval_s, "Seconds between refreshes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("-c,--count", args->count, "Stop after N refreshes")->check(CLI::PositiveNumber);
  app->add_option("--width", args->width, "Columns of the view")
      ->check(CLI::Range(std::size_t{40}, std::size_t{1000}))
      ->capture_default_str();
  app->add_option("--timeout", args->timeout_s, "Seconds to wait for each reply")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return Command{app, [args] { return run_status(*args); }};
}

}  // namespace vsmcat
