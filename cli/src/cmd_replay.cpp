// `vsmcat replay --log DIR`: logged events as JSON lines on stdout.
#include "cmd_replay.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "event_json.hpp"
#include "log_time.hpp"
#include "output.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/persist/replay_pacer.hpp"

namespace vsmcat {
namespace {

struct ReplayArgs {
  std::string log_dir;
  std::string since;
  std::string until;
  std::string channel;
  std::string source;
  std::string type;
  std::string correlation;
  std::uint64_t count = 0;
  double speed = 0.0;
};

constexpr std::uint64_t kProgressEvery = 100'000;

// Fills `q` from the flags; returns an error message for bad values.
std::string build_query(const ReplayArgs& a, vsm::persist::LogQuery& q) {
  if (!a.since.empty()) {
    auto b = parse_log_bound(a.since);
    if (!b)
      return "--since: expected an offset, <unix ms>ms or an ISO-8601 time, got '" + a.since + "'";
    if (b->offset) q.from_offset = *b->offset;
    if (b->wall_ms) q.from_wall_ms = *b->wall_ms;
  }
  if (!a.until.empty()) {
    auto b = parse_log_bound(a.until);
    if (!b)
      return "--until: expected an offset, <unix ms>ms or an ISO-8601 time, got '" + a.until + "'";
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

int run_replay(const ReplayArgs& a) {
  vsm::persist::LogQuery q;
  if (const std::string err = build_query(a, q); !err.empty()) {
    std::cerr << "vsmcat replay: " << err << "\n";
    return kExitUsage;
  }
  auto log = vsm::persist::LogReader::open(a.log_dir);
  if (!log) {
    std::cerr << "vsmcat replay: " << log.error().to_string() << "\n";
    return kExitRuntime;
  }
  vsm::persist::ReplayPacer pacer({a.speed, 0});
  const bool tty = ::isatty(2) != 0;
  std::uint64_t n = 0;
  bool write_failed = false;
  vsm::persist::ScanStats stats;
  vsm::Status s = (*log)->replay(
      q,
      [&](const vsm::persist::LogEntry& e) {
        pacer.pace(e.event.ts.wall_ms);
        const WriteResult w = write_stdout_line(dump_json_line(event_to_json(e.event)));
        if (w != WriteResult::kOk) {
          write_failed = w == WriteResult::kError;
          return false;  // kClosed: the reader went away (`| head`), a normal stop
        }
        if (tty && ++n % kProgressEvery == 0) {
          std::fprintf(stderr, "\rreplay: %llu events", static_cast<unsigned long long>(n));
        }
        return true;
      },
      &stats);
  if (tty && n >= kProgressEvery) std::fprintf(stderr, "\n");
  if (!s) {
    std::cerr << "vsmcat replay: " << s.error().to_string() << "\n";
    return kExitRuntime;
  }
  for (const auto& c : stats.corruption) {
    std::cerr << "vsmcat replay: skipped " << c.bytes << " corrupt bytes at " << c.segment << ":"
              << c.pos << " (" << c.reason << ")\n";
  }
  if (stats.decode_errors > 0) {
    std::cerr << "vsmcat replay: skipped " << stats.decode_errors << " undecodable records\n";
  }
  return write_failed ? kExitRuntime : kExitOk;
}

}  // namespace

Command register_replay(CLI::App& root) {
  auto* app = root.add_subcommand("replay", "Print logged events as JSON lines, optionally paced");
  auto a = std::make_shared<ReplayArgs>();
  app->add_option("--log", a->log_dir, "Event log directory")->required();
  app->add_option("--since", a->since,
                  "First event: log offset (1234), Unix ms (1700000000000ms) or ISO-8601 time");
  app->add_option("--until", a->until, "Last event (inclusive), same forms as --since");
  app->add_option("-t,--channel", a->channel, "Only this channel");
  app->add_option("--source", a->source, "Only this source");
  app->add_option("--type", a->type, "Only this event type");
  app->add_option("--correlation", a->correlation, "Only this correlation id");
  app->add_option("-c,--count", a->count, "Stop after this many events (0 = all)");
  app->add_option(
         "--speed", a->speed,
         "Pacing: 0 = as fast as possible (default), 1 = original timing, 2 = twice as fast")
      ->check(CLI::NonNegativeNumber);
  return Command{app, [a]() { return run_replay(*a); }};
}

}  // namespace vsmcat
