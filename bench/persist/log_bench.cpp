// Event log benchmark (DESIGN §7 log targets): append throughput of 100 B-payload
// events with fsync none / interval / always (one event per call, batches of 64 events
// and of 64 pre-encoded wire frames, concurrent appenders sharing group commits),
// sequential replay throughput, last_seqs() over the whole log, and recovery time of a
// large log with a torn tail.
//   log_bench [--smoke] [--json] [--dir DIR] [--events N] [--recovery-mb MB]
// Goals: append (interval) >= 1 M events/s, replay >= 2 M events/s (decoded; the raw row
// shows the log's own share, without the msgpack decoder), recovery of 1 GiB
// <= 2 s. Files are created under a temporary directory and removed at the end.
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_clock.hpp"
#include "cpu_time.hpp"
#include "report.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_reader.hpp"

namespace {

namespace fs = std::filesystem;
using vsm::persist::EventLog;
using vsm::persist::FsyncPolicy;
using vsm::persist::LogOptions;

struct Config {
  bool smoke = false;
  bool json = false;
  std::string dir;
  std::uint64_t events = 2'000'000;
  std::uint64_t always_events = 2'000;
  std::uint64_t recovery_mb = 1024;
};

struct Row {
  std::string name;
  std::uint64_t count = 0;
  double seconds = 0;
  double bytes = 0;
  double cpu_seconds = 0;  // all threads of this process: the VM is shared
};

double cpu_since(const vsm::bench::CpuTime& t0) {
  return static_cast<double>((vsm::bench::self_cpu() - t0).total_ns()) / 1e9;
}

vsm::Event make_event(std::uint64_t i) {
  static const vsm::Value payload = vsm::Value::string(std::string(100 - 3, 'x'));  // 100 B msgpack
  vsm::Event e;
  e.id = vsm::EventId::generate();
  e.source = "s1.ops-3";
  e.type = "telemetry";
  e.payload = payload;
  e.ts = vsm::HlcTimestamp{1'700'000'000'000 + i / 1000, static_cast<std::uint32_t>(i % 1000),
                           "node-a"};
  e.seq = i;
  return e;
}

fs::path make_temp(const std::string& parent) {
  std::string tmpl = (fs::path(parent.empty() ? fs::temp_directory_path().string() : parent) /
                      "vsm-log-bench-XXXXXX")
                         .string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return tmpl;
}

std::unique_ptr<EventLog> open_or_die(const fs::path& dir, LogOptions o) {
  auto log = EventLog::open(dir, o);
  if (!log) {
    std::cerr << "log_bench: " << log.error().to_string() << "\n";
    std::exit(1);
  }
  return std::move(log).value();
}

Row bench_append(const fs::path& dir, FsyncPolicy policy, std::uint64_t n, const char* name) {
  LogOptions o;
  o.fsync = policy;
  auto log = open_or_die(dir, o);
  vsm::Event e = make_event(0);
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  for (std::uint64_t i = 1; i <= n; ++i) {
    e.seq = i;  // the caller's event is reused, as a publisher would
    e.ts.logical = static_cast<std::uint32_t>(i);
    if (!log->append(e)) std::exit(1);
  }
  if (!log->close()) std::exit(1);  // includes writing (and for interval, syncing) the tail
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  return Row{name, n, secs, static_cast<double>(log->stats().bytes), cpu_since(c0)};
}

// One thread appending batches of `batch` events (a publisher's group commit).
Row bench_append_batch(const fs::path& dir, FsyncPolicy policy, std::uint64_t n, std::size_t batch,
                       const char* name) {
  LogOptions o;
  o.fsync = policy;
  auto log = open_or_die(dir, o);
  std::vector<vsm::Event> events(batch, make_event(0));
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  for (std::uint64_t i = 1; i <= n; i += batch) {
    for (std::size_t k = 0; k < batch; ++k) {
      events[k].seq = i + k;
      events[k].ts.logical = static_cast<std::uint32_t>(i + k);
    }
    if (!log->append_batch(events)) std::exit(1);
  }
  if (!log->close()) std::exit(1);
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  return Row{name, n, secs, static_cast<double>(log->stats().bytes), cpu_since(c0)};
}

// The node's path: each batch of 64 wire frames (encoded once, for the wire) is appended
// before it is sent. The frames are encoded once here: this row is the log's own cost.
Row bench_append_encoded(const fs::path& dir, std::uint64_t n) {
  auto log = open_or_die(dir, LogOptions{});
  std::vector<std::string> frames;
  for (std::uint64_t k = 1; k <= 64; ++k) frames.push_back(vsm::encode_event(make_event(k)).value());
  const std::vector<std::string_view> views(frames.begin(), frames.end());
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  for (std::uint64_t i = 0; i < n; i += views.size()) {
    if (!log->append_encoded_batch(views)) std::exit(1);
  }
  if (!log->close()) std::exit(1);
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  return Row{"append_encoded_batch of 64, fsync=interval", n, secs,
             static_cast<double>(log->stats().bytes), cpu_since(c0)};
}

// Concurrent appenders with fsync=always: group commit shares each write and fdatasync.
Row bench_append_threads(const fs::path& dir, std::uint64_t per_thread, int threads) {
  LogOptions o;
  o.fsync = FsyncPolicy::kAlways;
  auto log = open_or_die(dir, o);
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      const vsm::Event e = make_event(1);
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        if (!log->append(e)) std::exit(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  const auto st = log->stats();
  return Row{"append fsync=always (" + std::to_string(threads) + " threads, " +
                 std::to_string(st.syncs) + " fdatasyncs)",
             per_thread * threads, secs, static_cast<double>(st.bytes), cpu_since(c0)};
}

// Sequence continuation at a node's start: the highest seq per channel of one publisher.
Row bench_last_seqs(const fs::path& dir) {
  auto reader = vsm::persist::LogReader::open(dir);
  if (!reader) std::exit(1);
  std::uint64_t records = 0;
  for (const auto& seg : (*reader)->segments()) records += seg.records;
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  auto seqs = (*reader)->last_seqs("node-a");
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  if (!seqs || (*seqs)[0] != records) std::exit(1);
  return Row{"last_seqs (events = records in the log)", records, secs, 0, cpu_since(c0)};
}

Row bench_replay(const fs::path& dir) {
  auto reader = vsm::persist::LogReader::open(dir);
  if (!reader) std::exit(1);
  std::uint64_t count = 0;
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  vsm::Status s = (*reader)->replay({}, [&](const vsm::persist::LogEntry&) {
    ++count;
    return true;
  });
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  if (!s) std::exit(1);
  std::uint64_t bytes = 0;
  for (const auto& seg : (*reader)->segments()) bytes += seg.bytes;
  return Row{"replay (sequential, decode)", count, secs, static_cast<double>(bytes), cpu_since(c0)};
}

// The log's own cost: records read and checksummed, envelopes handed over undecoded
// (what the node's control plane and republishing use).
Row bench_replay_raw(const fs::path& dir) {
  auto reader = vsm::persist::LogReader::open(dir);
  if (!reader) std::exit(1);
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  vsm::Status s = (*reader)->replay_raw({}, [&](const vsm::persist::RawEntry& e) {
    ++count;
    bytes += e.envelope.size();
    return true;
  });
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  if (!s) std::exit(1);
  return Row{"replay (sequential, raw envelopes)", count, secs, static_cast<double>(bytes),
             cpu_since(c0)};
}

Row bench_recovery(const fs::path& dir, std::uint64_t mb, std::uint64_t segment_bytes) {
  LogOptions o;
  o.fsync = FsyncPolicy::kNone;
  o.segment_bytes = segment_bytes;
  std::uint64_t n = 0;
  {
    auto log = open_or_die(dir, o);
    std::vector<vsm::Event> batch(64, make_event(0));  // written as a node writes
    while (log->stats().bytes < mb << 20) {
      for (auto& e : batch) e = make_event(++n);
      if (!log->append_batch(batch)) std::exit(1);
    }
  }
  // Torn tail: half of a record's header at the end of the last segment.
  fs::path last;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && (last.empty() || e.path() > last)) last = e.path();
  }
  {
    std::ofstream(last, std::ios::binary | std::ios::app).write("\x30\x00\x00\x00\x11\x22\x33", 7);
  }
  ::sync();  // measure recovery, not writeback of the build phase
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  auto log = open_or_die(dir, o);
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  const auto& rep = log->recovery_report();
  if (rep.torn_bytes != 7 || rep.records != n) {
    std::cerr << "log_bench: recovery kept " << rep.records << " of " << n << " records, torn "
              << rep.torn_bytes << " bytes (expected 7)\n";
    std::exit(1);
  }
  return Row{"recovery (open, torn tail)", rep.records, secs,
             static_cast<double>(log->stats().bytes), cpu_since(c0)};
}

// Worst case: every .idx side file lost, so every segment is scanned and checksummed.
Row bench_rebuild(const fs::path& dir, std::uint64_t segment_bytes) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".idx") fs::remove(e.path());
  }
  LogOptions o;
  o.fsync = FsyncPolicy::kNone;
  o.segment_bytes = segment_bytes;
  const auto c0 = vsm::bench::self_cpu();
  const std::int64_t t0 = vsm::bench::now_ns();
  auto log = open_or_die(dir, o);
  const double secs = static_cast<double>(vsm::bench::now_ns() - t0) / 1e9;
  return Row{"recovery, all .idx deleted", log->recovery_report().records, secs,
             static_cast<double>(log->stats().bytes), cpu_since(c0)};
}

Config parse(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "log_bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--smoke") {
      c.smoke = true;
    } else if (a == "--json") {
      c.json = true;
    } else if (a == "--dir") {
      c.dir = next();
    } else if (a == "--events") {
      c.events = std::stoull(next());
    } else if (a == "--recovery-mb") {
      c.recovery_mb = std::stoull(next());
    } else {
      std::cerr
          << "usage: log_bench [--smoke] [--json] [--dir DIR] [--events N] [--recovery-mb MB]\n";
      std::exit(2);
    }
  }
  if (c.smoke) {
    c.events = std::min<std::uint64_t>(c.events, 50'000);
    c.always_events = 100;
    c.recovery_mb = std::min<std::uint64_t>(c.recovery_mb, 16);
  }
  return c;
}

void report(const Config& c, const std::vector<Row>& rows) {
  if (c.json) {
    nlohmann::json j;
    j["benchmark"] = "log_bench";
    j["smoke"] = c.smoke;
    j["machine"] = vsm::bench::machine_info();
    j["crc32c_hardware"] = vsm::persist::crc32c::hardware_accelerated();
    for (const Row& r : rows) {
      j["results"].push_back({{"name", r.name},
                              {"events", r.count},
                              {"seconds", r.seconds},
                              {"events_per_s", r.count / r.seconds},
                              {"cpu_seconds", r.cpu_seconds},
                              {"events_per_cpu_s", r.count / std::max(r.cpu_seconds, 1e-9)},
                              {"mib_per_s", r.bytes / r.seconds / (1 << 20)}});
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  vsm::bench::MarkdownTable t(
      {"case", "events", "seconds", "events/s", "MiB/s", "cpu s", "events/cpu-s"});
  for (const Row& r : rows) {
    t.add_row({r.name, vsm::bench::fmt_count(static_cast<double>(r.count)),
               vsm::bench::fmt(r.seconds, 3), vsm::bench::fmt_count(r.count / r.seconds),
               vsm::bench::fmt(r.bytes / r.seconds / (1 << 20), 1),
               vsm::bench::fmt(r.cpu_seconds, 3),
               vsm::bench::fmt_count(r.count / std::max(r.cpu_seconds, 1e-9))});
  }
  t.print(std::cout);
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) == 3)
    std::cout << "load average " << load[0] << " on " << ::sysconf(_SC_NPROCESSORS_ONLN)
              << " cpus\n";
  std::cout << "goals: append(interval) >= 1,000,000/s, replay >= 2,000,000/s, recovery of 1 GiB "
               "<= 2 s\n";
}

}  // namespace

int main(int argc, char** argv) {
  const Config c = parse(argc, argv);
  const fs::path root = make_temp(c.dir);
  std::vector<Row> rows;
  rows.push_back(bench_append(root / "none", FsyncPolicy::kNone, c.events, "append fsync=none"));
  rows.push_back(bench_append(root / "interval", FsyncPolicy::kInterval, c.events,
                              "append fsync=interval(100ms)"));
  rows.push_back(bench_append_batch(root / "batch", FsyncPolicy::kInterval, c.events, 64,
                                    "append fsync=interval, batches of 64"));
  rows.push_back(bench_append_encoded(root / "encoded", c.events));
  rows.push_back(bench_append(root / "always", FsyncPolicy::kAlways, c.always_events,
                              "append fsync=always (1 thread)"));
  rows.push_back(bench_append_threads(root / "always4", c.always_events / 4, 4));
  // Replays read the log written in batches of 64, as a node writes it. (A log written
  // one small record per write(2) and still in the page cache reads ~30% slower: the
  // kernel caches it in small folios; the bytes are the same.)
  rows.push_back(bench_replay(root / "batch"));
  rows.push_back(bench_replay_raw(root / "batch"));
  rows.push_back(bench_last_seqs(root / "batch"));
  for (const char* d : {"none", "batch", "encoded", "always", "always4", "interval"}) {
    fs::remove_all(root / d);
  }
  const std::uint64_t seg = c.smoke ? (4u << 20) : (64u << 20);
  Row rec = bench_recovery(root / "recovery", c.recovery_mb, seg);
  rec.name += " " + std::to_string(c.recovery_mb) + " MiB";
  rows.push_back(rec);
  rows.push_back(bench_rebuild(root / "recovery", seg));
  std::error_code ec;
  fs::remove_all(root, ec);
  report(c, rows);
  return 0;
}
