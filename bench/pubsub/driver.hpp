// The driver: for each system and payload size, starts the broker if the system has
// one (on a free port, stopped even when a run fails), then runs publisher/subscriber
// process pairs (roles.hpp) for throughput (repeated) and for latency at a fixed rate,
// and collects counts, rates, latency percentiles and CPU time per process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cpu_time.hpp"
#include "roles.hpp"
#include "transport.hpp"

namespace vsm::bench {

struct SuiteOptions {
  std::vector<System> systems;
  std::vector<std::size_t> sizes;
  std::uint64_t count = 0;  // measured messages per throughput run; 0 = by size
  int repeat = 3;           // throughput runs per system and size (median reported)
  double rate = 10'000;     // latency runs: msgs/s
  double latency_seconds = 3;
  bool throughput = true;
  bool latency = true;
  bool smoke = false;
  std::int64_t run_timeout_ms = 180'000;
  // Gap repair (runs when node-reliable is among the systems): events published before
  // a Reliable start_seq = 1 subscriber joins, and how long it may take to get them all.
  bool repair = true;
  std::uint64_t repair_count = 10'000;
  std::int64_t repair_deadline_ms = 20'000;
  std::string self_exe;
  bool verbose = true;      // progress lines on stderr
};

struct RunResult {
  bool ok = false;
  std::string error;
  std::uint64_t sent = 0, received = 0, gaps = 0, reordered = 0, malformed = 0;
  std::int64_t retries = 0;
  double seconds = 0;  // first measured send .. last measured receive
  double msgs_per_s = 0;
  CpuTime pub_cpu, sub_cpu, broker_cpu;
  bool has_broker = false;
  std::uint64_t lat_count = 0, p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0, mean_ns = 0;
  bool children_exited_cleanly = true;

  bool lossy() const noexcept { return received < sent; }
};

struct CellResult {  // one system at one payload size
  System system{};
  std::size_t payload_bytes = 0;
  std::string unavailable;  // non-empty: not run, and why
  std::vector<RunResult> throughput;
  std::optional<RunResult> latency;

  // The throughput run with the median rate among the successful ones; null if none.
  const RunResult* median_throughput() const;
};

struct SuiteResult {
  std::vector<CellResult> cells;
  std::vector<std::string> server_problems;  // a broker that was not shut down
  std::optional<RunResult> repair;           // the gap-repair run, when it ran
  std::string repair_skipped;                // non-empty: it did not complete, and why
  std::int64_t wall_ns = 0;
};

SuiteResult run_suite(const SuiteOptions& options);

std::uint64_t throughput_count(const SuiteOptions& o, std::size_t payload_bytes);

}  // namespace vsm::bench
