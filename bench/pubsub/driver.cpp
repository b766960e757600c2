// See driver.hpp. Every wait has a deadline; every child is stopped by RAII.
#include "driver.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "bench_clock.hpp"
#include "child_process.hpp"
#include "external_server.hpp"
#include "free_port.hpp"
#include "line_pipe.hpp"

namespace vsm::bench {
namespace {

using Fields = std::map<std::string, std::string>;
using test::ChildProcess;
using test::SpawnOptions;

std::uint64_t u64(const Fields& f, const char* key) {
  auto it = f.find(key);
  return it == f.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
}

// Reads lines until one starting with `word`; an "ERROR" line, EOF or the deadline
// fails with a message naming `who`.
std::optional<Fields> expect(LineReader& in, const std::string& word, std::int64_t timeout_ms,
                             const std::string& who, std::string* error) {
  const std::int64_t deadline = now_ns() + timeout_ms * 1'000'000;
  for (;;) {
    const std::int64_t left = (deadline - now_ns()) / 1'000'000;
    auto line = left > 0 ? in.read_line(left) : std::nullopt;
    if (!line) {
      *error = who + (in.eof() ? " exited before " : " timed out waiting for ") + word;
      return std::nullopt;
    }
    if (line->rfind("ERROR", 0) == 0) {
      *error = who + ": " + line->substr(std::min<std::size_t>(6, line->size()));
      return std::nullopt;
    }
    if (line->rfind(word, 0) == 0) return parse_fields(*line);
  }
}

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base ? base : "/tmp") + "/vsm-pubsub-bench-XXXXXX";
    if (::mkdtemp(templ.data())) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Broker {
  std::unique_ptr<ExternalServer> server;
  std::string endpoint;
};

std::optional<Broker> start_broker(System s, const std::string& dir, std::string* error) {
  const int port = free_tcp_port();
  if (port == 0) {
    *error = "no free port";
    return std::nullopt;
  }
  const std::string p = std::to_string(port);
  Broker b;
  if (s == System::kNats) {
    b.server = ExternalServer::start({find_executable("nats-server"), "-a", "127.0.0.1", "-p", p},
                                     "Server is ready", 15'000, error);
    b.endpoint = "nats://127.0.0.1:" + p;
  } else {
    // No persistence; no output-buffer limit for pub/sub clients, so a lagging
    // subscriber is measured as slow rather than disconnected.
    b.server = ExternalServer::start(
        {find_executable("redis-server"), "--port", p, "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--dir", dir,
         "--client-output-buffer-limit", "pubsub 0 0 0"},
        "Ready to accept connections", 15'000, error);
    b.endpoint = "127.0.0.1:" + p;
  }
  if (!b.server) return std::nullopt;
  return b;
}

struct PairPlan {
  System system;
  Mode mode;
  std::size_t payload_bytes;
  std::uint64_t count, warmup;
  std::string server_endpoint, work_dir;
  std::int64_t run_timeout_ms = 0;  // 0: SuiteOptions::run_timeout_ms
};

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kLatency: return "lat";
    case Mode::kRepair: return "repair";
    case Mode::kThroughput: break;
  }
  return "tput";
}

std::int64_t timeout_of(const SuiteOptions& o, const PairPlan& p) {
  return p.run_timeout_ms > 0 ? p.run_timeout_ms : o.run_timeout_ms;
}

std::vector<std::string> role_argv(const SuiteOptions& o, const PairPlan& p, const char* role,
                                   const std::string& endpoint, int ctl_fd, int status_fd) {
  return {o.self_exe, "--role", role, "--system", std::string(system_name(p.system)),
          "--mode", mode_name(p.mode),
          "--size", std::to_string(p.payload_bytes), "--count", std::to_string(p.count),
          "--warmup", std::to_string(p.warmup), "--rate", std::to_string(o.rate),
          "--endpoint", endpoint, "--work-dir", p.work_dir,
          "--ctl-fd", std::to_string(ctl_fd), "--status-fd", std::to_string(status_fd),
          "--run-timeout-ms", std::to_string(timeout_of(o, p))};
}

void fill_from_sub(RunResult& r, const Fields& f) {
  r.received = u64(f, "received");
  r.gaps = u64(f, "gaps");
  r.reordered = u64(f, "reordered");
  r.malformed = u64(f, "malformed");
  const auto first = static_cast<std::int64_t>(u64(f, "first_send_ns"));
  const auto last = static_cast<std::int64_t>(u64(f, "last_recv_ns"));
  r.seconds = last > first ? static_cast<double>(last - first) / 1e9 : 0;
  r.msgs_per_s = r.seconds > 0 ? static_cast<double>(r.received) / r.seconds : 0;
  r.sub_cpu = {static_cast<std::int64_t>(u64(f, "cpu_user_ns")),
               static_cast<std::int64_t>(u64(f, "cpu_sys_ns"))};
  r.lat_count = u64(f, "lat_count");
  r.p50_ns = u64(f, "p50_ns");
  r.p99_ns = u64(f, "p99_ns");
  r.p999_ns = u64(f, "p999_ns");
  r.max_ns = u64(f, "max_ns");
  r.mean_ns = u64(f, "mean_ns");
}

// Runs one publisher/subscriber pair. Children are stopped on every return path. In
// repair mode the publisher publishes (GO ... SENT) before the subscriber is started.
RunResult run_pair(const SuiteOptions& o, const PairPlan& p, const ExternalServer* broker) {
  RunResult r;
  auto pub_ctl = Pipe::make(), pub_status = Pipe::make(), sub_status = Pipe::make();
  if (!pub_ctl || !pub_status || !sub_status) {
    r.error = "pipe failed";
    return r;
  }
  SpawnOptions po;
  po.argv = role_argv(o, p, "pub", p.server_endpoint, pub_ctl->read.get(), pub_status->write.get());
  po.inherit_fds = {pub_ctl->read.get(), pub_status->write.get()};
  auto pub = ChildProcess::spawn(po, &r.error);
  if (!pub) return r;
  pub_ctl->read.reset();
  pub_status->write.reset();
  LineReader pub_in(pub_status->read.get());
  auto ready = expect(pub_in, "READY", 30'000, "publisher", &r.error);
  if (!ready) return r;
  const bool repair = p.mode == Mode::kRepair;
  std::optional<Fields> sent;
  if (repair) {
    write_line(pub_ctl->write.get(), "GO");
    sent = expect(pub_in, "SENT", timeout_of(o, p), "publisher", &r.error);
    if (!sent) return r;
  }

  SpawnOptions so;
  so.argv = role_argv(o, p, "sub", (*ready)["endpoint"], -1, sub_status->write.get());
  so.inherit_fds = {sub_status->write.get()};
  auto sub = ChildProcess::spawn(so, &r.error);
  if (!sub) return r;
  sub_status->write.reset();
  LineReader sub_in(sub_status->read.get());
  if (!expect(sub_in, "READY", 30'000, "subscriber", &r.error)) return r;

  const CpuTime broker0 = broker ? broker->cpu() : CpuTime{};
  if (!repair) {
    write_line(pub_ctl->write.get(), "GO");
    sent = expect(pub_in, "SENT", o.run_timeout_ms, "publisher", &r.error);
    if (!sent) return r;
  }
  // The subscriber gives up at its own run timeout; this margin only catches a hang.
  auto res = expect(sub_in, "RESULT", timeout_of(o, p) + 30'000, "subscriber", &r.error);
  if (!res) return r;
  if (broker) {
    r.broker_cpu = broker->cpu() - broker0;
    r.has_broker = true;
  }
  write_line(pub_ctl->write.get(), "EXIT");
  auto cpu = expect(pub_in, "CPU", 30'000, "publisher", &r.error);
  if (!cpu) return r;

  r.sent = u64(*sent, "count");
  r.retries = static_cast<std::int64_t>(u64(*sent, "retries"));
  r.pub_cpu = {static_cast<std::int64_t>(u64(*cpu, "user_ns")),
               static_cast<std::int64_t>(u64(*cpu, "sys_ns"))};
  fill_from_sub(r, *res);
  if (repair) {  // from the subscriber starting to open until the history was delivered
    const auto open = static_cast<std::int64_t>(u64(*res, "open_ns"));
    const auto last = static_cast<std::int64_t>(u64(*res, "last_recv_ns"));
    r.seconds = last > open && r.received > 0 ? static_cast<double>(last - open) / 1e9 : 0;
    r.msgs_per_s = r.seconds > 0 ? static_cast<double>(r.received) / r.seconds : 0;
  }
  r.children_exited_cleanly = pub->wait_exit(std::chrono::seconds(15)) == 0 &&
                              sub->wait_exit(std::chrono::seconds(15)) == 0;
  r.ok = true;
  return r;
}

void log_run(const SuiteOptions& o, const PairPlan& p, const RunResult& r) {
  if (!o.verbose) return;
  if (!r.ok) {
    std::fprintf(stderr, "  %-13s %6zu B %-4s FAILED: %s\n", system_name(p.system).data(),
                 p.payload_bytes, mode_name(p.mode), r.error.c_str());
  } else if (p.mode == Mode::kRepair) {
    std::fprintf(stderr, "  %-13s gap repair: %llu of %llu delivered in %.1f ms\n",
                 system_name(p.system).data(), static_cast<unsigned long long>(r.received),
                 static_cast<unsigned long long>(r.sent), r.seconds * 1e3);
  } else if (p.mode == Mode::kThroughput) {
    std::fprintf(stderr, "  %-13s %6zu B tput %12.0f msgs/s  %llu/%llu received\n",
                 system_name(p.system).data(), p.payload_bytes, r.msgs_per_s,
                 static_cast<unsigned long long>(r.received), static_cast<unsigned long long>(r.sent));
  } else {
    std::fprintf(stderr, "  %-13s %6zu B lat  p50 %.1f us  p99 %.1f us  %llu/%llu received\n",
                 system_name(p.system).data(), p.payload_bytes, r.p50_ns / 1e3, r.p99_ns / 1e3,
                 static_cast<unsigned long long>(r.received), static_cast<unsigned long long>(r.sent));
  }
}

// One throughput run (round `round`) of a cell.
void run_throughput(const SuiteOptions& o, CellResult& cell, const Broker* broker,
                    const std::string& dir, int round) {
  PairPlan p{cell.system, Mode::kThroughput, cell.payload_bytes, 0, 0,
             broker ? broker->endpoint : "", dir};
  p.count = throughput_count(o, cell.payload_bytes);
  p.warmup = std::max<std::uint64_t>(1'000, p.count / 10);
  p.work_dir = dir + "/" + std::to_string(cell.payload_bytes) + "-t" + std::to_string(round);
  std::filesystem::create_directories(p.work_dir);
  cell.throughput.push_back(run_pair(o, p, broker ? broker->server.get() : nullptr));
  log_run(o, p, cell.throughput.back());
  std::error_code ignored;  // a log of 16 KiB events is about 1 GB: not kept for the suite
  std::filesystem::remove_all(p.work_dir, ignored);
}

void run_latency(const SuiteOptions& o, CellResult& cell, const Broker* broker,
                 const std::string& dir) {
  PairPlan p{cell.system, Mode::kLatency, cell.payload_bytes, 0, 0,
             broker ? broker->endpoint : "", dir};
  p.count = std::max<std::uint64_t>(100, static_cast<std::uint64_t>(o.rate * o.latency_seconds));
  p.warmup = std::max<std::uint64_t>(100, static_cast<std::uint64_t>(o.rate * 0.3));
  p.work_dir = dir + "/" + std::to_string(cell.payload_bytes) + "-lat";
  std::filesystem::create_directories(p.work_dir);
  cell.latency = run_pair(o, p, broker ? broker->server.get() : nullptr);
  log_run(o, p, *cell.latency);
}

// Gap repair: the publisher publishes o.repair_count events with nobody subscribed, then
// a Reliable subscriber with start_seq = 1 joins and must receive all of them.
void run_repair(const SuiteOptions& o, const std::string& dir, SuiteResult& out) {
  if (o.verbose) std::fprintf(stderr, "gap repair (Reliable, start_seq = 1)\n");
  PairPlan p{System::kNodeReliable, Mode::kRepair, 100, o.repair_count, 0, "", dir,
             o.repair_deadline_ms};
  std::filesystem::create_directories(dir);
  RunResult r = run_pair(o, p, nullptr);
  log_run(o, p, r);
  if (!r.ok) {
    out.repair_skipped = "run failed: " + r.error;
  } else if (r.received < r.sent || r.reordered > 0) {
    out.repair_skipped = std::to_string(r.received) + " of " + std::to_string(r.sent) +
                         " events delivered within " + std::to_string(o.repair_deadline_ms) +
                         " ms (" + std::to_string(r.reordered) +
                         " out of order); Reliable replay may not be wired into the node yet";
  }
  out.repair = std::move(r);
}

}  // namespace

std::uint64_t throughput_count(const SuiteOptions& o, std::size_t payload_bytes) {
  if (o.count) return o.count;
  if (o.smoke) return 20'000;
  if (payload_bytes <= 128) return 1'000'000;
  if (payload_bytes <= 2'048) return 400'000;
  return 60'000;
}

const RunResult* CellResult::median_throughput() const {
  std::vector<const RunResult*> ok;
  for (const auto& r : throughput) {
    if (r.ok) ok.push_back(&r);
  }
  if (ok.empty()) return nullptr;
  std::sort(ok.begin(), ok.end(),
            [](const RunResult* a, const RunResult* b) { return a->msgs_per_s < b->msgs_per_s; });
  return ok[ok.size() / 2];
}

// A system under test: its cells (one per size), its broker, its directory.
struct SystemRun {
  System system;
  std::string error;  // why it does not run, or empty
  std::optional<Broker> broker;
  std::string dir;
  std::vector<CellResult> cells;
};

// Throughput runs go round by round, every system and size once per round, so that a
// change of the machine's load during the suite (another process, thermal or
// hypervisor noise) is spread over all systems instead of favouring whichever ran
// while it was quiet; the median of the rounds is reported.
SuiteResult run_suite(const SuiteOptions& o) {
  SuiteResult out;
  const std::int64_t t0 = now_ns();
  TempDir tmp;
  std::vector<SystemRun> runs;
  for (System s : o.systems) {
    SystemRun& run = runs.emplace_back(SystemRun{s, system_unavailable_reason(s), {},
                                                 tmp.path() + "/" + std::string(system_name(s)), {}});
    std::filesystem::create_directories(run.dir);
    if (run.error.empty() && (s == System::kNats || s == System::kRedis)) {
      run.broker = start_broker(s, run.dir, &run.error);
    }
    for (std::size_t size : o.sizes) {
      CellResult& cell = run.cells.emplace_back();
      cell.system = s;
      cell.payload_bytes = size;
      cell.unavailable = run.error;
    }
    if (!run.error.empty() && o.verbose) {
      std::fprintf(stderr, "%s skipped: %s\n", std::string(system_title(s)).c_str(),
                   run.error.c_str());
    }
  }
  for (int round = 0; o.throughput && round < o.repeat; ++round) {
    if (o.verbose) std::fprintf(stderr, "throughput round %d of %d\n", round + 1, o.repeat);
    for (SystemRun& run : runs) {
      if (!run.error.empty()) continue;
      for (CellResult& cell : run.cells) {
        run_throughput(o, cell, run.broker ? &*run.broker : nullptr, run.dir, round);
      }
    }
  }
  // Latency size by size, all systems one after the other, so that the runs compared
  // (Node against raw libzmq at one size) are seconds apart, not minutes.
  if (o.latency && o.verbose) std::fprintf(stderr, "latency\n");
  for (std::size_t i = 0; o.latency && i < o.sizes.size(); ++i) {
    for (SystemRun& run : runs) {
      if (run.error.empty()) run_latency(o, run.cells[i], run.broker ? &*run.broker : nullptr, run.dir);
    }
  }
  for (SystemRun& run : runs) {
    for (CellResult& cell : run.cells) out.cells.push_back(std::move(cell));
    if (run.broker && !run.broker->server->stop()) {
      out.server_problems.push_back(std::string(system_name(run.system)) + " server pid " +
                                    std::to_string(run.broker->server->pid()) + " still exists");
    }
  }
  const bool want_repair = o.repair && std::find(o.systems.begin(), o.systems.end(),
                                                 System::kNodeReliable) != o.systems.end();
  if (want_repair && system_unavailable_reason(System::kNodeReliable).empty()) {
    run_repair(o, tmp.path() + "/repair", out);
  }
  out.wall_ns = now_ns() - t0;
  return out;
}

}  // namespace vsm::bench
