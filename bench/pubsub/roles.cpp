// Publisher and subscriber loops, the same for every system (see roles.hpp).
#include "roles.hpp"

#include <thread>

#include "bench_clock.hpp"
#include "cpu_time.hpp"
#include "latency_histogram.hpp"
#include "line_pipe.hpp"
#include "payload.hpp"

namespace vsm::bench {
namespace {

int report_error(int fd, const std::string& what) {
  write_line(fd, "ERROR " + what);
  return 1;
}

TransportParams params_of(const RoleArgs& a) {
  TransportParams p;
  p.payload_bytes = a.payload_bytes;
  p.endpoint = a.endpoint;
  p.work_dir = a.work_dir;
  p.latency_mode = a.mode == Mode::kLatency;
  if (a.mode == Mode::kRepair) p.start_seq = 1;  // the whole history, then live
  return p;
}

// Sends n stamped messages (seq | flag), paced when a pacer is given. Returns the number
// of retries, or -1 on failure or when the deadline passed.
std::int64_t send_messages(PubTransport& t, std::string& buf, std::uint64_t n,
                           std::uint64_t flag, Pacer* pacer, std::int64_t deadline_ns) {
  std::int64_t retries = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (pacer) pacer->wait();
    stamp_payload(buf, i | flag, now_ns());
    for (;;) {
      const SendOutcome o = t.send(buf);
      if (o == SendOutcome::kSent) break;
      if (o == SendOutcome::kFailed) return -1;
      if ((++retries & 1023) == 0 && now_ns() > deadline_ns) return -1;
      std::this_thread::yield();
    }
    if ((i & 4095) == 0 && now_ns() > deadline_ns) return -1;
  }
  return retries;
}

}  // namespace

int run_publisher(const RoleArgs& a) {
  auto t = make_publisher(a.system);
  if (!t) return report_error(a.status_fd, "system not available in this build");
  LineReader ctl(a.ctl_fd);
  auto ep = t->open(params_of(a));
  if (!ep) return report_error(a.status_fd, ep.error().to_string());
  write_line(a.status_fd, "READY endpoint=" + ep.value());
  if (auto go = ctl.read_line(60'000); !go || *go != "GO") {
    return report_error(a.status_fd, "no GO from the driver");
  }
  // Repair mode publishes into the void: the subscriber joins afterwards.
  if (a.mode != Mode::kRepair) {
    if (auto st = t->wait_subscribed(std::chrono::seconds(15)); !st) {
      return report_error(a.status_fd, st.error().to_string());
    }
  }
  const std::int64_t deadline = now_ns() + a.run_timeout_ms * 1'000'000;
  std::string buf(a.payload_bytes, 'x');
  std::unique_ptr<Pacer> pacer;
  if (a.mode == Mode::kLatency) pacer = std::make_unique<Pacer>(a.rate);
  if (send_messages(*t, buf, a.warmup, kWarmupFlag, pacer.get(), deadline) < 0) {
    return report_error(a.status_fd, "warm-up send failed: " + t->last_error());
  }
  const CpuTime cpu0 = self_cpu();
  const std::int64_t t0 = now_ns();
  const std::int64_t retries = send_messages(*t, buf, a.count, 0, pacer.get(), deadline);
  if (retries < 0) return report_error(a.status_fd, "send failed: " + t->last_error());
  if (auto st = t->flush(); !st) return report_error(a.status_fd, st.error().to_string());
  write_line(a.status_fd, "SENT count=" + std::to_string(a.count) +
                              " send_ns=" + std::to_string(now_ns() - t0) +
                              " retries=" + std::to_string(retries));
  ctl.read_line(a.run_timeout_ms);  // "EXIT" once the subscriber is done (or EOF)
  const CpuTime cpu = self_cpu() - cpu0;
  write_line(a.status_fd, "CPU user_ns=" + std::to_string(cpu.user_ns) +
                              " sys_ns=" + std::to_string(cpu.sys_ns));
  t->close();
  return 0;
}

namespace {

struct SubState {
  std::uint64_t measured = 0, warmup = 0, malformed = 0, gaps = 0, reordered = 0;
  std::uint64_t next_seq = 0;
  std::int64_t open_ns = 0;  // when the subscriber started to open (repair mode)
  std::int64_t first_send_ns = 0, last_recv_ns = 0;
  CpuTime cpu0;
  LatencyHistogram hist;

  // Returns true when the measured count is complete.
  bool on_message(std::string_view payload, const RoleArgs& a) {
    Stamp s;
    if (!read_stamp(payload, s)) return ++malformed, false;
    if (s.warmup()) return ++warmup, false;
    if (measured == 0) {
      cpu0 = self_cpu();
      first_send_ns = s.send_ns;
    }
    if (s.seq > next_seq) gaps += s.seq - next_seq;
    if (s.seq < next_seq) ++reordered; else next_seq = s.seq + 1;
    ++measured;
    if (a.mode != Mode::kThroughput) {
      last_recv_ns = now_ns();
      hist.record(last_recv_ns - s.send_ns);
    } else if ((measured & 255) == 0) {
      last_recv_ns = now_ns();
    }
    if (measured < a.count) return false;
    last_recv_ns = now_ns();
    return true;
  }

  std::string result_line() const {
    const CpuTime cpu = self_cpu() - cpu0;
    auto f = [](const char* k, auto v) { return std::string(" ") + k + "=" + std::to_string(v); };
    return "RESULT" + f("received", measured) + f("warmup", warmup) + f("malformed", malformed) +
           f("gaps", gaps) + f("reordered", reordered) + f("open_ns", open_ns) +
           f("first_send_ns", first_send_ns) +
           f("last_recv_ns", last_recv_ns) + f("cpu_user_ns", cpu.user_ns) +
           f("cpu_sys_ns", cpu.sys_ns) + f("lat_count", hist.count()) +
           f("p50_ns", hist.percentile(0.5)) + f("p99_ns", hist.percentile(0.99)) +
           f("p999_ns", hist.percentile(0.999)) + f("max_ns", hist.max()) +
           f("mean_ns", static_cast<std::int64_t>(hist.mean()));
  }
};

}  // namespace

int run_subscriber(const RoleArgs& a) {
  auto t = make_subscriber(a.system);
  if (!t) return report_error(a.status_fd, "system not available in this build");
  SubState s;
  s.open_ns = now_ns();
  if (auto st = t->open(params_of(a)); !st) {
    return report_error(a.status_fd, st.error().to_string());
  }
  write_line(a.status_fd, "READY");
  const std::int64_t start = now_ns();
  constexpr int kPollMs = 100;
  std::int64_t quiet_polls = 0;  // consecutive empty polls: the end-of-stream signal
  for (;;) {
    if (auto m = t->recv(kPollMs)) {
      quiet_polls = 0;
      if (s.on_message(*m, a)) break;
      continue;
    }
    if (t->failed()) return report_error(a.status_fd, t->last_error());
    // Repair mode waits out its deadline: history may take a while to start flowing.
    const bool started = s.measured + s.warmup > 0 && a.mode != Mode::kRepair;
    if (started && ++quiet_polls * kPollMs >= a.idle_ms) break;
    if (now_ns() - start > a.run_timeout_ms * 1'000'000) break;
  }
  write_line(a.status_fd, s.result_line());
  t->close();
  return 0;
}

}  // namespace vsm::bench
