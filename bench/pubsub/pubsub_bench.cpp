// pubsub_bench: publish -> subscribe between two processes on tcp loopback, for raw
// libzmq (the ceiling), the vsm Node (log off / on), nats-server and redis-server, side
// by side in one run. Prints a Markdown table with ratios to raw libzmq; --json for
// tools; --smoke for a quick correctness run (ctest pubsub_bench_smoke).
//
//   pubsub_bench                       # 100 B, all systems, 3 throughput runs each,
//                                      # then the gap-repair run (node-reliable)
//   pubsub_bench --all-sizes --json bench/results/latest.json
//   pubsub_bench --systems zmq,node --sizes 16,1024 --repeat 1
//   pubsub_bench --smoke               # ~1 s per system; exit 1 on loss or leaks
#include <signal.h>
#include <sys/prctl.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "child_process.hpp"
#include "driver.hpp"
#include "payload.hpp"
#include "report.hpp"
#include "results.hpp"
#include "roles.hpp"

namespace {

using namespace vsm::bench;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct RoleCli {
  std::string role, system, mode = "tput";
  RoleArgs args;
};

void add_role_options(CLI::App& app, RoleCli& r) {
  // Internal: how the driver starts the publisher and subscriber processes.
  const std::string g;  // empty group = hidden from --help
  app.add_option("--role", r.role)->group(g);
  app.add_option("--system", r.system)->group(g);
  app.add_option("--mode", r.mode)->group(g);
  app.add_option("--size", r.args.payload_bytes)->group(g);
  app.add_option("--warmup", r.args.warmup)->group(g);
  app.add_option("--endpoint", r.args.endpoint)->group(g);
  app.add_option("--work-dir", r.args.work_dir)->group(g);
  app.add_option("--ctl-fd", r.args.ctl_fd)->group(g);
  app.add_option("--status-fd", r.args.status_fd)->group(g);
}

int run_role(RoleCli& r, std::uint64_t count, double rate, std::int64_t timeout_ms) {
  auto sys = parse_system(r.system);
  if (!sys || r.args.status_fd < 0 || r.args.payload_bytes < kMinPayloadBytes) {
    std::fprintf(stderr, "pubsub_bench: bad role arguments\n");
    return 2;
  }
  r.args.system = *sys;
  r.args.mode = r.mode == "lat"      ? Mode::kLatency
                : r.mode == "repair" ? Mode::kRepair
                                     : Mode::kThroughput;
  r.args.count = count;
  r.args.rate = rate;
  r.args.run_timeout_ms = timeout_ms;
  // The main thread's name tells the roles apart in profiles (scripts/profile.sh);
  // threads started afterwards name themselves.
  ::prctl(PR_SET_NAME, r.role == "pub" ? "bench-pub" : "bench-sub");
  return r.role == "pub" ? run_publisher(r.args) : run_subscriber(r.args);
}

bool parse_lists(const std::string& systems, const std::string& sizes, bool all_sizes,
                 SuiteOptions& o) {
  for (const auto& name : split(systems)) {
    auto s = parse_system(name);
    if (!s) {
      std::fprintf(stderr,
                   "pubsub_bench: unknown system '%s' "
                   "(zmq,zmq-nodrop,zmq-wire,node,node-reliable,node-log,node-reliable-log,node-log-chain,nats,redis)\n",
                   name.c_str());
      return false;
    }
    o.systems.push_back(*s);
  }
  for (const auto& v : split(all_sizes ? "16,100,1024,16384" : sizes)) {
    const unsigned long n = std::strtoul(v.c_str(), nullptr, 10);
    if (n < kMinPayloadBytes || n > (1u << 20)) {
      std::fprintf(stderr, "pubsub_bench: payload size %s out of range [16, 1 MiB]\n", v.c_str());
      return false;
    }
    o.sizes.push_back(n);
  }
  return !o.systems.empty() && !o.sizes.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vsmfabric pub/sub benchmark: raw libzmq, vsm Node, nats-server and "
               "redis-server side by side (separate processes, tcp loopback)"};
  SuiteOptions o;
  std::string systems = "zmq,zmq-nodrop,zmq-wire,node,node-reliable,node-log,node-reliable-log,node-log-chain,nats,redis", sizes = "100",
              json_path;
  bool all_sizes = false, no_latency = false, no_throughput = false, quiet = false;
  bool no_repair = false;
  app.add_option("--systems", systems,
                 "Comma list of zmq,zmq-nodrop,zmq-wire,node,node-reliable,node-log,node-reliable-log,node-log-chain,nats,redis")
      ->capture_default_str();
  app.add_option("--sizes", sizes, "Comma list of payload sizes in bytes (>= 16)")
      ->capture_default_str();
  app.add_flag("--all-sizes", all_sizes, "Sizes 16,100,1024,16384");
  app.add_option("--count", o.count, "Measured messages per throughput run (0 = by size)");
  app.add_option("--repeat", o.repeat, "Throughput runs per system and size (median shown)")
      ->capture_default_str()->check(CLI::Range(1, 20));
  app.add_option("--rate", o.rate, "Latency runs: messages per second")->capture_default_str();
  app.add_option("--latency-seconds", o.latency_seconds, "Latency run length")
      ->capture_default_str();
  app.add_flag("--no-latency", no_latency, "Skip the latency runs");
  app.add_flag("--no-throughput", no_throughput, "Skip the throughput runs");
  app.add_flag("--no-repair", no_repair,
               "Skip the gap-repair run (Reliable subscriber joining after N events)");
  app.add_option("--repair-count", o.repair_count, "Gap repair: events published before the "
                                                   "subscriber joins")->capture_default_str();
  app.add_option("--repair-deadline-ms", o.repair_deadline_ms,
                 "Gap repair: reported as not completed after this long")->capture_default_str();
  app.add_option("--json", json_path, "Write JSON to FILE; without FILE, JSON goes to stdout "
                                      "and the table to stderr")->expected(0, 1);
  app.add_flag("--smoke", o.smoke, "Short run; exit 1 on lost messages or leftover servers");
  app.add_flag("-q,--quiet", quiet, "No progress lines on stderr");
  app.add_option("--run-timeout-ms", o.run_timeout_ms, "Upper bound of one run")
      ->capture_default_str();
  RoleCli role;
  add_role_options(app, role);
  CLI11_PARSE(app, argc, argv);

  if (!role.role.empty()) return run_role(role, o.count, o.rate, o.run_timeout_ms);

  ::signal(SIGPIPE, SIG_IGN);  // a child that died must not kill the driver
  if (!parse_lists(systems, sizes, all_sizes, o)) return 2;
  o.throughput = !no_throughput;
  o.latency = !no_latency;
  o.repair = !no_repair;
  o.verbose = !quiet;
  o.self_exe = vsm::test::self_exe_path();
  if (o.smoke) {
    o.repeat = 1;
    o.latency_seconds = std::min(o.latency_seconds, 0.3);
    o.run_timeout_ms = std::min<std::int64_t>(o.run_timeout_ms, 60'000);
    o.repair_deadline_ms = std::min<std::int64_t>(o.repair_deadline_ms, 15'000);
  }

  const SuiteResult result = run_suite(o);
  const bool json_to_stdout = app.count("--json") > 0 && json_path.empty();
  std::ostream& table_out = json_to_stdout ? std::cerr : std::cout;
  table_out << "\n";
  print_table(table_out, o, result);
  print_repair(table_out, o, result);
  print_targets(table_out, result);
  table_out << "\nmachine: " << machine_info().dump() << "\n";
  if (app.count("--json") > 0) {
    const auto j = to_json(o, result);
    if (json_to_stdout) {
      std::cout << j.dump(2) << "\n";
    } else if (!write_json_file(json_path, j)) {
      std::fprintf(stderr, "pubsub_bench: cannot write %s\n", json_path.c_str());
      return 1;
    }
  }
  if (o.smoke) {
    const auto failures = smoke_failures(result);
    for (const auto& f : failures) std::fprintf(stderr, "SMOKE FAILURE: %s\n", f.c_str());
    if (!result.repair_skipped.empty()) {
      std::fprintf(stderr, "smoke: gap repair not counted: %s\n", result.repair_skipped.c_str());
    }
    for (const auto& c : result.cells) {
      if (!c.unavailable.empty()) {
        std::fprintf(stderr, "smoke: skipped %s: %s\n", std::string(system_name(c.system)).c_str(),
                     c.unavailable.c_str());
      }
    }
    if (!failures.empty()) return 1;
    std::fprintf(stderr, "smoke: OK (every message counted, brokers shut down)\n");
  }
  return 0;
}
