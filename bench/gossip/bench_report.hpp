// gossip_bench's result rows and their two renderings (a table, or JSON with --json).
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <vector>

struct Convergence {
  std::size_t n;
  bool ok;
  double virtual_ms, rounds, wall_s;
};

struct Detection {
  std::size_t n, trials, undetected;
  double p50_ms, p95_ms, max_ms, first_p50_ms;
};

struct FalsePositives {
  double loss;
  std::size_t n;
  double hours, deaths_per_hour, suspicions_per_hour;
};

struct Bandwidth {
  std::size_t n;
  double udp_bytes_per_s_per_node, tcp_bytes_per_s_per_node, datagrams_per_s_per_node;
  double total() const { return udp_bytes_per_s_per_node + tcp_bytes_per_s_per_node; }
};

struct Scale {
  std::size_t n = 0;
  double bootstrap_wall_s = 0;
  double steady_wall_s_per_virtual_s = 0;
  double bytes_per_s_per_node = 0;
  double bytes_per_node = 0;          // heap growth / n
  double bytes_per_known_member = 0;  // bytes_per_node / n
  bool converged = false;
  bool detected = false;
  double detect_all_ms = 0, detect_first_ms = 0;
};

struct Report {
  std::vector<Convergence> convergence;
  std::vector<Detection> detection;
  std::vector<FalsePositives> false_positives;
  Bandwidth bandwidth{};
  std::optional<Scale> scale;
};

inline void print_json(const Report& r) {
  std::printf("{\"convergence\":[");
  for (std::size_t i = 0; i < r.convergence.size(); ++i) {
    const Convergence& c = r.convergence[i];
    std::printf("%s{\"n\":%zu,\"ok\":%s,\"virtual_ms\":%.0f,\"rounds\":%.1f,\"wall_s\":%.3f}",
                i ? "," : "", c.n, c.ok ? "true" : "false", c.virtual_ms, c.rounds, c.wall_s);
  }
  std::printf("],\"detection\":[");
  for (std::size_t i = 0; i < r.detection.size(); ++i) {
    const Detection& d = r.detection[i];
    std::printf("%s{\"n\":%zu,\"trials\":%zu,\"undetected\":%zu,\"p50_ms\":%.0f,"
                "\"p95_ms\":%.0f,\"max_ms\":%.0f,\"first_detector_p50_ms\":%.0f}",
                i ? "," : "", d.n, d.trials, d.undetected, d.p50_ms, d.p95_ms, d.max_ms,
                d.first_p50_ms);
  }
  std::printf("],\"false_positives\":[");
  for (std::size_t i = 0; i < r.false_positives.size(); ++i) {
    const FalsePositives& f = r.false_positives[i];
    std::printf("%s{\"loss\":%.2f,\"n\":%zu,\"hours\":%.3f,\"deaths_per_hour\":%.2f,"
                "\"suspicions_per_hour\":%.1f}",
                i ? "," : "", f.loss, f.n, f.hours, f.deaths_per_hour, f.suspicions_per_hour);
  }
  const Bandwidth& b = r.bandwidth;
  std::printf("],\"bandwidth\":{\"n\":%zu,\"bytes_per_s_per_node\":%.0f,\"udp_bytes_per_s_per_node\":%.0f,"
              "\"tcp_bytes_per_s_per_node\":%.0f,\"datagrams_per_s_per_node\":%.1f}",
              b.n, b.total(), b.udp_bytes_per_s_per_node, b.tcp_bytes_per_s_per_node,
              b.datagrams_per_s_per_node);
  if (r.scale) {
    const Scale& s = *r.scale;
    std::printf(",\"scale\":{\"n\":%zu,\"bytes_per_node\":%.0f,\"bytes_per_known_member\":%.1f,"
                "\"bootstrap_wall_s\":%.1f,\"wall_s_per_virtual_s\":%.2f,"
                "\"bytes_per_s_per_node\":%.0f,\"converged\":%s,\"detected\":%s,"
                "\"detect_all_ms\":%.0f,\"detect_first_ms\":%.0f}",
                s.n, s.bytes_per_node, s.bytes_per_known_member, s.bootstrap_wall_s,
                s.steady_wall_s_per_virtual_s, s.bytes_per_s_per_node,
                s.converged ? "true" : "false", s.detected ? "true" : "false", s.detect_all_ms,
                s.detect_first_ms);
  }
  std::printf("}\n");
}

inline void print_table(const Report& r) {
  std::printf("%-28s %8s %12s %8s %8s\n", "convergence (join via 1 seed)", "N", "virtual ms",
              "rounds", "wall s");
  for (const auto& c : r.convergence) {
    std::printf("%-28s %8zu %12.0f %8.1f %8.2f%s\n", "", c.n, c.virtual_ms, c.rounds, c.wall_s,
                c.ok ? "" : "  (did not converge)");
  }
  for (const Detection& d : r.detection) {
    std::printf("\nfailure detection, N=%zu, %zu trials: all-nodes p50 %.0f ms, p95 %.0f ms, "
                "max %.0f ms; first detector p50 %.0f ms; undetected %zu",
                d.n, d.trials, d.p50_ms, d.p95_ms, d.max_ms, d.first_p50_ms, d.undetected);
  }
  std::printf("\n\n%-10s %6s %10s %16s %20s\n", "loss", "N", "hours", "false deaths/h",
              "suspect events/h");
  for (const auto& f : r.false_positives) {
    std::printf("%-9.0f%% %6zu %10.2f %16.2f %20.1f\n", f.loss * 100, f.n, f.hours,
                f.deaths_per_hour, f.suspicions_per_hour);
  }
  const Bandwidth& b = r.bandwidth;
  std::printf("\nbandwidth at N=%zu: %.0f bytes/s per node (UDP %.0f, TCP push-pull %.0f), "
              "%.1f datagrams/s per node\n",
              b.n, b.total(), b.udp_bytes_per_s_per_node, b.tcp_bytes_per_s_per_node,
              b.datagrams_per_s_per_node);
  if (r.scale) {
    const Scale& s = *r.scale;
    std::printf("\nscale, N=%zu in one process (bootstrapped full view): %.0f bytes per node "
                "(%.1f per known member); bootstrap %.1f s wall, then %.2f s wall per virtual s, "
                "%.0f bytes/s per node; converged %s; crash seen dead by all after %.0f ms "
                "(first %.0f ms)%s\n",
                s.n, s.bytes_per_node, s.bytes_per_known_member, s.bootstrap_wall_s,
                s.steady_wall_s_per_virtual_s, s.bytes_per_s_per_node, s.converged ? "yes" : "NO",
                s.detect_all_ms, s.detect_first_ms, s.detected ? "" : " (NOT detected)");
  }
}
