// gossip_bench: SWIM/Lifeguard figures from the deterministic simulator (virtual time).
//   convergence: rounds (probe intervals) and wall time until N nodes all see each other
//   detection:   time from a crash until every other node marks it dead (distribution)
//   false positives per hour of healthy nodes declared dead at 1/5/10 % loss
//   bandwidth:   bytes sent per second per node at 100 nodes in steady state (UDP + TCP)
//   scale:       10,000 nodes in one process: heap bytes per node, steady-state cost,
//                detection of a crash by all 9,999 others
// (suspect events are counted at every observer, so one suspicion counts up to N-1 times.)
// Flags: --json (machine-readable), --smoke (~2 s, small sizes; used by ctest),
//        --scale-nodes N (size of the scale run, default 10,000; 0 skips it).
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_report.hpp"
#include "vsm/gossip/simulator.hpp"

using namespace vsm::gossip;

namespace {

const double kRoundMs = static_cast<double>(MembershipConfig{}.probe_interval_ms);

double wall_s(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// "n<i>" (appended, not "n" + std::to_string(i): GCC 12 warns -Wrestrict on that at -O3).
std::string node_name(std::size_t i) { return std::string("n").append(std::to_string(i)); }

void build(Simulator& sim, std::size_t n, const MembershipConfig& cfg = {}) {
  for (std::size_t i = 0; i < n; ++i) sim.add_node(node_name(i), vsm::Role::kS1, cfg);
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

Convergence converge(std::size_t n, std::uint64_t seed) {
  auto t0 = std::chrono::steady_clock::now();
  Simulator sim({.seed = seed});
  build(sim, n);
  bool ok = sim.run_until([&] { return sim.converged(); }, 300'000);
  double vms = static_cast<double>(sim.now_ms());
  return {n, ok, vms, vms / kRoundMs, wall_s(t0)};
}

// Waits until all n-1 others see `name` dead; records first and last observer times.
bool await_death(Simulator& sim, const std::string& name, std::size_t n, std::uint64_t since,
                 std::vector<double>& all, std::vector<double>& first) {
  std::uint64_t first_at = 0;
  bool ok = sim.run_until(
      [&] {
        std::size_t seen = sim.observers_seeing(name, MemberState::kDead);
        if (seen > 0 && first_at == 0) first_at = sim.now_ms();
        return seen == n - 1;
      },
      30'000);
  if (!ok) return false;
  all.push_back(static_cast<double>(sim.now_ms() - since));
  first.push_back(static_cast<double>(first_at - since));
  return true;
}

Detection detect(std::size_t n, std::size_t trials) {
  std::vector<double> all, first;
  std::size_t undetected = 0;
  for (std::size_t t = 0; t < trials; ++t) {
    Simulator sim({.seed = 100 + t});
    build(sim, n);
    sim.run_until([&] { return sim.converged(); }, 60'000);
    sim.run_for(1'000 + 37 * t);  // desynchronise the crash from the probe schedule
    std::size_t victim = 1 + t % (n - 1);
    std::uint64_t crashed = sim.now_ms();
    sim.crash(victim);
    if (!await_death(sim, node_name(victim), n, crashed, all, first)) ++undetected;
  }
  return {n, trials, undetected, pct(all, 0.5), pct(all, 0.95), pct(all, 1.0), pct(first, 0.5)};
}

FalsePositives false_positives(double loss, std::size_t n, std::uint64_t virtual_ms) {
  Simulator sim({.seed = 7, .loss = loss, .min_delay_ms = 1, .max_delay_ms = 10});
  std::uint64_t deaths = 0, suspicions = 0;
  build(sim, n);
  sim.run_until([&] { return sim.converged(); }, 60'000);
  sim.on_event([&](std::size_t, std::uint64_t, const MemberEvent& e) {
    if (e.kind == MemberEventKind::kDead) ++deaths;
    if (e.kind == MemberEventKind::kSuspect) ++suspicions;
  });
  sim.run_for(virtual_ms);
  double hours = static_cast<double>(virtual_ms) / 3'600'000.0;
  return {loss, n, hours, static_cast<double>(deaths) / hours,
          static_cast<double>(suspicions) / hours};
}

Bandwidth bandwidth(std::size_t n, std::uint64_t virtual_ms) {
  Simulator sim({.seed = 5});
  build(sim, n);
  sim.run_until([&] { return sim.converged(); }, 60'000);
  sim.run_for(10'000);  // let join traffic settle
  SimulatorStats before = sim.stats();
  sim.run_for(virtual_ms);
  const double per = static_cast<double>(virtual_ms) / 1000.0 * static_cast<double>(n);
  const SimulatorStats& after = sim.stats();
  return {n, static_cast<double>(after.bytes_sent - before.bytes_sent) / per,
          static_cast<double>(after.stream_bytes - before.stream_bytes) / per,
          static_cast<double>(after.datagrams_sent - before.datagrams_sent) / per};
}

std::size_t heap_bytes() { return mallinfo2().uordblks; }

// Every node starts with the full view (Simulator::bootstrap), then runs the protocol.
Scale scale(std::size_t n, std::uint64_t steady_ms) {
  MembershipConfig cfg;
  cfg.max_members = n + 1;
  Scale r{n};
  const std::size_t heap0 = heap_bytes();
  auto t0 = std::chrono::steady_clock::now();
  Simulator sim({.seed = 9});
  for (std::size_t i = 0; i < n; ++i) sim.add_node(node_name(i), vsm::Role::kS1, cfg);
  sim.bootstrap();
  r.bootstrap_wall_s = wall_s(t0);
  auto t1 = std::chrono::steady_clock::now();
  const SimulatorStats before = sim.stats();
  sim.run_for(steady_ms);
  r.steady_wall_s_per_virtual_s = wall_s(t1) / (static_cast<double>(steady_ms) / 1000.0);
  const double per = static_cast<double>(steady_ms) / 1000.0 * static_cast<double>(n);
  r.bytes_per_s_per_node = static_cast<double>(sim.stats().bytes_sent - before.bytes_sent +
                                               sim.stats().stream_bytes - before.stream_bytes) / per;
  r.converged = sim.converged();
  const std::size_t heap = heap_bytes() - heap0;
  r.bytes_per_node = static_cast<double>(heap) / static_cast<double>(n);
  r.bytes_per_known_member = r.bytes_per_node / static_cast<double>(n);
  std::vector<double> all, first;
  const std::uint64_t crashed = sim.now_ms();
  sim.crash(n / 2);
  r.detected = await_death(sim, node_name(n / 2), n, crashed, all, first);
  r.detect_all_ms = all.empty() ? 0 : all[0];
  r.detect_first_ms = first.empty() ? 0 : first[0];
  return r;
}

int usage() {
  std::fprintf(stderr, "usage: gossip_bench [--json] [--smoke] [--scale-nodes N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false, smoke = false;
  long scale_nodes = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) json = true;
    else if (std::strcmp(argv[i], "--smoke") == 0) smoke = true;
    else if (std::strcmp(argv[i], "--scale-nodes") == 0 && i + 1 < argc) scale_nodes = std::atol(argv[++i]);
    else return usage();
  }
  if (scale_nodes < 0) scale_nodes = smoke ? 300 : 10'000;
  auto progress = [&](const char* what) {
    if (!json) std::fprintf(stderr, "%s...\n", what);
  };
  Report rep;
  for (std::size_t n : smoke ? std::vector<std::size_t>{10, 100}
                             : std::vector<std::size_t>{10, 100, 1000}) {
    progress(("converging " + std::to_string(n) + " nodes").c_str());
    rep.convergence.push_back(converge(n, 42));
  }
  progress("failure detection");
  if (smoke) {
    rep.detection.push_back(detect(10, 3));
  } else {
    rep.detection.push_back(detect(10, 40));
    rep.detection.push_back(detect(50, 40));
  }
  for (double loss : {0.01, 0.05, 0.10}) {
    progress("false positives");
    rep.false_positives.push_back(smoke ? false_positives(loss, 10, 60'000)
                                        : false_positives(loss, 50, 1'800'000));
  }
  progress("bandwidth");
  rep.bandwidth = bandwidth(smoke ? 30 : 100, smoke ? 5'000 : 60'000);
  if (scale_nodes > 1) {
    progress(("scale: " + std::to_string(scale_nodes) + " nodes").c_str());
    rep.scale = scale(static_cast<std::size_t>(scale_nodes), smoke ? 2'000 : 10'000);
  }
  if (json) {
    print_json(rep);
  } else {
    print_table(rep);
  }
  return 0;
}
