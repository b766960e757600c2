// `vsmcat bench --role pub|sub`: see cmd_bench.hpp.
//   vsmcat bench --role sub --connect tcp://127.0.0.1:5555 --duration 10
//   vsmcat bench --role pub --bind tcp://127.0.0.1:5555 --rate 10000 --size 100 --duration 10
// Payload: a msgpack bin of --size bytes: [seq u64][send time, CLOCK_REALTIME ns][filler],
// so latency across hosts is only as good as their clock sync (same host: exact).
// Progress goes to stderr (a live line on a terminal, else a line every 2 s); the final
// table goes to stdout.
#include "cmd_bench.hpp"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node_options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "vsm/node.hpp"

namespace vsmcat {
namespace {

constexpr std::size_t kMinSize = 16;
constexpr std::size_t kMaxLatencySamples = 5'000'000;  // 40 MB; later events not sampled
constexpr std::string_view kBenchType = "bench";

struct BenchOptions {
  std::string role;  // "pub" or "sub"
  NodeOptions node;
  double rate = 0;  // msgs/s, 0 = as fast as possible
  std::size_t size = 100;
  double duration_s = 10;
  double idle_timeout_s = 5;
  std::size_t wait_subs = 1;
  double wait_timeout_s = 30;
};

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Progress on stderr: rewritten in place on a terminal, else one line per 2 s.
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) == 1), last_(Clock::now()) {}
  void maybe(const std::function<std::string()>& text) {
    const auto now = Clock::now();
    if (now - last_ < (tty_ ? std::chrono::milliseconds(250) : std::chrono::seconds(2))) return;
    last_ = now;
    const std::string t = text();
    std::fprintf(stderr, tty_ ? "\r\033[K%s" : "%s\n", t.c_str());
  }
  void done() {
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool tty_;
  Clock::time_point last_;
};

void print_table(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t w = 6;
  for (const auto& [k, v] : rows) w = std::max(w, k.size());
  std::string out = "| metric" + std::string(w - 6, ' ') + " | value |\n|:" +
                    std::string(w + 1, '-') + "|------:|\n";
  for (const auto& [k, v] : rows) out += "| " + k + std::string(w - k.size(), ' ') + " | " + v + " |\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

std::string bin_header(std::size_t n) {
  if (n < 256) return {'\xc4', static_cast<char>(n)};
  if (n < 65536) return {'\xc5', static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
  return {'\xc6', static_cast<char>(n >> 24), static_cast<char>((n >> 16) & 0xff),
          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
}

std::string_view bin_body(std::string_view v) {
  if (v.empty()) return {};
  const auto tag = static_cast<unsigned char>(v[0]);
  const std::size_t skip = tag == 0xc4 ? 2 : tag == 0xc5 ? 3 : tag == 0xc6 ? 5 : v.size() + 1;
  return v.size() >= skip ? v.substr(skip) : std::string_view();
}

int start_node(vsm::Node& node) {
  if (auto st = node.start(); !st) {
    status_line("vsmcat bench: error: cannot start the node: " + st.error().to_string());
    return exit_code_for(st.error());
  }
  return kExitOk;
}

// Publishes until --duration passes (or a signal); paced when --rate > 0.
int run_pub(const BenchOptions& o, vsm::Node& node) {
  if (int rc = start_node(node); rc != kExitOk) return rc;
  for (const auto& ep : node.endpoints()) status_line("endpoint " + ep);
  if (o.wait_subs > 0) {
    const auto t = std::chrono::milliseconds(static_cast<std::int64_t>(o.wait_timeout_s * 1000));
    if (!node.wait_for_subscribers(o.wait_subs, t)) {
      status_line("vsmcat bench: error: fewer than " + std::to_string(o.wait_subs) +
                  " subscriber(s) after " + fixed(o.wait_timeout_s, 0) + " s");
      return kExitRuntime;
    }
  }
  const std::string header = bin_header(o.size);
  std::string body(o.size, 'x');
  std::uint64_t sent = 0, queue_full = 0;
  Progress progress;
  const double cpu0 = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1000));
  const auto interval = std::chrono::nanoseconds(o.rate > 0 ? static_cast<std::int64_t>(1e9 / o.rate) : 0);
  auto next = start;
  while (!stop_requested() && std::chrono::steady_clock::now() < end) {
    if (o.rate > 0) {
      std::this_thread::sleep_until(next);
      next += interval;
    }
    const std::int64_t now = realtime_ns();
    std::memcpy(body.data(), &sent, 8);
    std::memcpy(body.data() + 8, &now, 8);
    vsm::Event e;
    e.channel = vsm::Channel::kCoordination;
    e.type = std::string(kBenchType);
    e.payload = vsm::Value::from_encoded(header + body);
    auto r = node.publish(std::move(e));
    if (r) {
      ++sent;
    } else if (r.error().code() == vsm::ErrorCode::kQueueFull) {
      ++queue_full;
      std::this_thread::yield();
    } else {
      status_line("vsmcat bench: error: publish: " + r.error().to_string());
      return kExitRuntime;
    }
    if ((sent & 1023) == 0) {
      progress.maybe([&] {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return "pub: " + std::to_string(sent) + " sent, " + fixed(sent / std::max(s, 1e-9), 0) + " msgs/s";
      });
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  node.stop();  // flushes queued events within linger_ms
  const double cpu = cpu_seconds() - cpu0;
  progress.done();
  print_table({{"role", "pub"}, {"payload bytes", std::to_string(o.size)},
               {"events sent", std::to_string(sent)}, {"seconds", fixed(secs, 2)},
               {"msgs/s", fixed(sent / std::max(secs, 1e-9), 0)},
               {"MB/s (payload)", fixed(sent * static_cast<double>(o.size) / std::max(secs, 1e-9) / 1e6, 1)},
               {"publish QueueFull retries", std::to_string(queue_full)},
               {"CPU s per million", fixed(sent ? cpu * 1e6 / static_cast<double>(sent) : 0, 2)}});
  return kExitOk;
}

struct SubTally {
  std::uint64_t received = 0, lost = 0, reordered = 0, malformed = 0;
  std::map<std::string, std::uint64_t> next_seq;  // per publishing source
  std::vector<std::int64_t> latency_ns;

  void add(const vsm::Event& e) {
    const std::string_view p = bin_body(e.payload.bytes());
    if (p.size() < kMinSize) {
      ++malformed;
      return;
    }
    std::uint64_t seq = 0;
    std::int64_t sent_ns = 0;
    std::memcpy(&seq, p.data(), 8);
    std::memcpy(&sent_ns, p.data() + 8, 8);
    if (latency_ns.size() < kMaxLatencySamples) latency_ns.push_back(realtime_ns() - sent_ns);
    auto [it, fresh] = next_seq.try_emplace(e.source, seq);
    if (seq > it->second) lost += seq - it->second;
    if (seq < it->second) ++reordered; else it->second = seq + 1;
    ++received;
  }

  std::string percentile_us(double q) {
    if (latency_ns.empty()) return "-";
    const std::size_t k = std::min(latency_ns.size() - 1, static_cast<std::size_t>(q * latency_ns.size()));
    std::nth_element(latency_ns.begin(), latency_ns.begin() + static_cast<std::ptrdiff_t>(k), latency_ns.end());
    return fixed(static_cast<double>(latency_ns[k]) / 1e3, 1);
  }
};

// Receives until --duration after the first event, --timeout idle, or a signal.
int run_sub(const BenchOptions& o, vsm::Node& node) {
  if (int rc = start_node(node); rc != kExitOk) return rc;
  vsm::Filter f = vsm::Filter::on(vsm::Channel::kCoordination);
  f.type = std::string(kBenchType);
  auto sub = node.subscribe(std::move(f));
  if (!sub) {
    status_line("vsmcat bench: error: cannot subscribe: " + sub.error().to_string());
    return exit_code_for(sub.error());
  }
  status_line("ready");
  using Clock = std::chrono::steady_clock;
  SubTally t;
  Progress progress;
  StopOnSignal on_signal([&sub] { sub->close(); });
  const auto idle = std::chrono::milliseconds(static_cast<std::int64_t>(o.idle_timeout_s * 1000));
  const auto span = std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1000));
  Clock::time_point first{}, last = Clock::now();
  double cpu0 = 0;
  while (!stop_requested()) {
    auto e = sub->next(std::chrono::milliseconds(200));
    const auto now = Clock::now();
    if (!e) {
      if (t.received > 0 && now - last > idle) break;
      if (t.received == 0 && now - last > std::chrono::seconds(600)) break;  // bounded
      continue;
    }
    if (t.received == 0) first = now, cpu0 = cpu_seconds();
    last = now;
    t.add(*e);
    if (now - first >= span) break;
    progress.maybe([&] {
      const double s = std::chrono::duration<double>(now - first).count();
      return "sub: " + std::to_string(t.received) + " received, " +
             fixed(t.received / std::max(s, 1e-9), 0) + " msgs/s, " + std::to_string(t.lost) + " lost";
    });
  }
  const double secs = std::chrono::duration<double>(last - first).count();
  const double cpu = t.received ? cpu_seconds() - cpu0 : 0;
  const std::uint64_t dropped = sub->dropped();
  sub->close();
  node.stop();
  progress.done();
  print_table({{"role", "sub"}, {"events received", std::to_string(t.received)},
               {"seconds (first..last event)", fixed(secs, 2)},
               {"msgs/s", fixed(t.received / std::max(secs, 1e-9), 0)},
               {"lost (sequence gaps)", std::to_string(t.lost)},
               {"dropped (subscription queue)", std::to_string(dropped)},
               {"reordered", std::to_string(t.reordered)}, {"malformed", std::to_string(t.malformed)},
               {"latency p50 us", t.percentile_us(0.50)}, {"latency p99 us", t.percentile_us(0.99)},
               {"latency p99.9 us", t.percentile_us(0.999)}, {"latency max us", t.percentile_us(1.0)},
               {"CPU s per million", fixed(t.received ? cpu * 1e6 / static_cast<double>(t.received) : 0, 2)}});
  return t.received > 0 ? kExitOk : kExitRuntime;
}

int run_bench(BenchOptions o) {
  const bool pub = o.role == "pub";
  if (pub && !o.node.peers.empty()) {
    status_line("vsmcat bench: error: --connect is for --role sub; a publisher binds (--bind)");
    return kExitUsage;
  }
  if (!pub && o.node.peers.empty()) {
    status_line("vsmcat bench: error: --role sub needs --connect ENDPOINT (the publisher's)");
    return kExitUsage;
  }
  o.node.role = pub ? "S1" : "S2";  // coordination flows S1 <-> S2
  const std::string name = std::string(pub ? "s1.bench-pub-" : "s2.bench-sub-") + std::to_string(::getpid());
  auto cfg = build_node_config(o.node, name);
  if (!cfg) {
    status_line("vsmcat bench: error: " + cfg.error().message());
    return exit_code_for(cfg.error());
  }
  vsm::Node node(std::move(cfg).value());
  return pub ? run_pub(o, node) : run_sub(o, node);
}

}  // namespace

Command register_bench(CLI::App& root) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* app = root.add_subcommand(
      "bench", "Measure throughput and latency of a live fabric (one pub, one or more subs)");
  app->add_option("--role", o->role, "pub or sub")->required()->check(CLI::IsMember({"pub", "sub"}));
  add_bind_option(*app, o->node);
  add_peers_option(*app, o->node, "--connect", "Publisher endpoint (sub; repeatable)");
  app->add_option("--name", o->node.name, "Node name (default s1.bench-pub-<pid> / s2.bench-sub-<pid>)");
  app->add_option("--hwm", o->node.hwm, "ZeroMQ high-water marks in messages");
  app->add_option("--rate", o->rate, "pub: messages per second, 0 = as fast as possible")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app->add_option("--size", o->size, "pub: payload bytes (>= 16)")
      ->capture_default_str()->check(CLI::Range(kMinSize, std::size_t{1} << 20));
  app->add_option("--duration", o->duration_s, "Seconds to publish / to measure after the first event")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--timeout", o->idle_timeout_s, "sub: stop after this many idle seconds")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--wait-subs", o->wait_subs, "pub: wait for N subscribers first (0 = don't)")
      ->capture_default_str();
  app->add_option("--wait-timeout", o->wait_timeout_s, "pub: seconds --wait-subs may wait")
      ->capture_default_str();
  return Command{app, [o] { return run_bench(*o); }};
}

}  // namespace vsmcat
