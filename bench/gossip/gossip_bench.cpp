// gossip_bench: SWIM/Lifeguard figures from the deterministic simulator (virtual time).
//   convergence: rounds (probe intervals) and wall time until N nodes all see each other
//   detection:   time from a crash until every other node marks it dead (distribution)
//   false positives per hour of healthy nodes declared dead at 1/5/10 % loss
//   bandwidth:   bytes sent per second per node at 100 nodes in steady state
// (suspect events are counted at every observer, so one suspicion counts up to N-1 times.)
// Flags: --json (machine-readable), --smoke (~2 s, small sizes; used by ctest).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "vsm/gossip/simulator.hpp"

using namespace vsm::gossip;

namespace {

double wall_s(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// "n<i>" (appended, not "n" + std::to_string(i): GCC 12 warns -Wrestrict on that at -O3).
std::string node_name(std::size_t i) { return std::string("n").append(std::to_string(i)); }

void build(Simulator& sim, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) sim.add_node(node_name(i), vsm::Role::kS1, {});
  for (std::size_t i = 0; i < n; ++i) sim.join(i, {0});
}

struct Convergence {
  std::size_t n;
  bool ok;
  double virtual_ms, rounds, wall_s;
};

Convergence converge(std::size_t n, std::uint64_t seed) {
  auto t0 = std::chrono::steady_clock::now();
  Simulator sim({.seed = seed});
  build(sim, n);
  bool ok = sim.run_until([&] { return sim.converged(); }, 300'000);
  double vms = static_cast<double>(sim.now_ms());
  return {n, ok, vms, vms / static_cast<double>(MembershipConfig{}.probe_interval_ms), wall_s(t0)};
}

struct Detection {
  std::size_t n, trials, undetected;
  double p50_ms, p95_ms, max_ms, first_p50_ms;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
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
    std::string name = node_name(victim);
    std::uint64_t crashed = sim.now_ms();
    std::uint64_t first_at = 0;
    sim.crash(victim);
    bool ok = sim.run_until(
        [&] {
          std::size_t seen = sim.observers_seeing(name, MemberState::kDead);
          if (seen > 0 && first_at == 0) first_at = sim.now_ms();
          return seen == n - 1;
        },
        30'000);
    if (!ok) {
      ++undetected;
      continue;
    }
    all.push_back(static_cast<double>(sim.now_ms() - crashed));
    first.push_back(static_cast<double>(first_at - crashed));
  }
  return {n, trials, undetected, pct(all, 0.5), pct(all, 0.95), pct(all, 1.0), pct(first, 0.5)};
}

struct FalsePositives {
  double loss;
  std::size_t n;
  double hours, deaths_per_hour, suspicions_per_hour;
};

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

struct Bandwidth {
  std::size_t n;
  double bytes_per_s_per_node, datagrams_per_s_per_node;
};

Bandwidth bandwidth(std::size_t n, std::uint64_t virtual_ms) {
  Simulator sim({.seed = 5});
  build(sim, n);
  sim.run_until([&] { return sim.converged(); }, 60'000);
  sim.run_for(10'000);  // let join traffic settle
  SimulatorStats before = sim.stats();
  sim.run_for(virtual_ms);
  double secs = static_cast<double>(virtual_ms) / 1000.0;
  double bytes = static_cast<double>(sim.stats().bytes_sent - before.bytes_sent);
  double dgrams = static_cast<double>(sim.stats().datagrams_sent - before.datagrams_sent);
  return {n, bytes / secs / static_cast<double>(n), dgrams / secs / static_cast<double>(n)};
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false, smoke = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) json = true;
    else if (std::strcmp(argv[i], "--smoke") == 0) smoke = true;
    else {
      std::fprintf(stderr, "usage: gossip_bench [--json] [--smoke]\n");
      return 2;
    }
  }
  // 10,000 nodes is left out: every node holds every member record, so the simulator
  // needs O(N^2) memory (~25 GB at 10k); 1,000 is the largest size run here.
  std::vector<std::size_t> sizes = smoke ? std::vector<std::size_t>{10, 100}
                                         : std::vector<std::size_t>{10, 100, 1000};
  std::vector<Convergence> conv;
  for (std::size_t n : sizes) {
    if (!json) std::fprintf(stderr, "converging %zu nodes...\n", n);
    conv.push_back(converge(n, 42));
  }
  if (!json) std::fprintf(stderr, "failure detection...\n");
  std::vector<Detection> dets;
  if (smoke) {
    dets.push_back(detect(10, 3));
  } else {
    dets.push_back(detect(10, 20));
    dets.push_back(detect(50, 20));
  }
  std::vector<FalsePositives> fps;
  for (double loss : {0.01, 0.05, 0.10}) {
    if (!json) std::fprintf(stderr, "false positives at %.0f%% loss...\n", loss * 100);
    fps.push_back(smoke ? false_positives(loss, 10, 60'000) : false_positives(loss, 32, 1'800'000));
  }
  if (!json) std::fprintf(stderr, "bandwidth...\n");
  Bandwidth bw = bandwidth(smoke ? 30 : 100, smoke ? 5'000 : 60'000);

  if (json) {
    std::printf("{\"convergence\":[");
    for (std::size_t i = 0; i < conv.size(); ++i) {
      std::printf("%s{\"n\":%zu,\"ok\":%s,\"virtual_ms\":%.0f,\"rounds\":%.1f,\"wall_s\":%.3f}",
                  i ? "," : "", conv[i].n, conv[i].ok ? "true" : "false", conv[i].virtual_ms,
                  conv[i].rounds, conv[i].wall_s);
    }
    std::printf("],\"detection\":[");
    for (std::size_t i = 0; i < dets.size(); ++i) {
      const Detection& det = dets[i];
      std::printf("%s{\"n\":%zu,\"trials\":%zu,\"undetected\":%zu,\"p50_ms\":%.0f,"
                  "\"p95_ms\":%.0f,\"max_ms\":%.0f,\"first_detector_p50_ms\":%.0f}",
                  i ? "," : "", det.n, det.trials, det.undetected, det.p50_ms, det.p95_ms,
                  det.max_ms, det.first_p50_ms);
    }
    std::printf("],");
    std::printf("\"false_positives\":[");
    for (std::size_t i = 0; i < fps.size(); ++i) {
      std::printf("%s{\"loss\":%.2f,\"n\":%zu,\"hours\":%.3f,\"deaths_per_hour\":%.2f,"
                  "\"suspicions_per_hour\":%.1f}",
                  i ? "," : "", fps[i].loss, fps[i].n, fps[i].hours, fps[i].deaths_per_hour,
                  fps[i].suspicions_per_hour);
    }
    std::printf("],\"bandwidth\":{\"n\":%zu,\"bytes_per_s_per_node\":%.0f,"
                "\"datagrams_per_s_per_node\":%.1f}}\n",
                bw.n, bw.bytes_per_s_per_node, bw.datagrams_per_s_per_node);
    return 0;
  }
  std::printf("%-28s %8s %12s %8s %8s\n", "convergence (join via 1 seed)", "N", "virtual ms",
              "rounds", "wall s");
  for (const auto& c : conv) {
    std::printf("%-28s %8zu %12.0f %8.1f %8.2f%s\n", "", c.n, c.virtual_ms, c.rounds, c.wall_s,
                c.ok ? "" : "  (did not converge)");
  }
  for (const Detection& det : dets) {
    std::printf("\nfailure detection, N=%zu, %zu trials: all-nodes p50 %.0f ms, p95 %.0f ms, "
                "max %.0f ms; first detector p50 %.0f ms; undetected %zu",
                det.n, det.trials, det.p50_ms, det.p95_ms, det.max_ms, det.first_p50_ms,
                det.undetected);
  }
  std::printf("\n");
  std::printf("\n%-10s %6s %10s %16s %20s\n", "loss", "N", "hours", "false deaths/h",
              "suspect events/h");
  for (const auto& f : fps) {
    std::printf("%-9.0f%% %6zu %10.2f %16.2f %20.1f\n", f.loss * 100, f.n, f.hours,
                f.deaths_per_hour, f.suspicions_per_hour);
  }
  std::printf("\nbandwidth at N=%zu: %.0f bytes/s per node, %.1f datagrams/s per node\n", bw.n,
              bw.bytes_per_s_per_node, bw.datagrams_per_s_per_node);
  return 0;
}
