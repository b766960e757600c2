// Test agent for the memory bounds (bounded_memory_test.cpp): one vsm::Node in its own
// process, so that its resident memory can be measured alone.
//   memory_agent victim --peer EP [--max-tracked N]
//     subscribes to the command channel twice (BestEffort and Reliable, live), both
//     consumed by callbacks that count and drop the events, and prints "ready".
//   memory_agent logger --log DIR [--fill-mib M]
//     fills its log with M MiB of 60 KiB events (no ring), then prints "control <ep>".
// Both then answer each stdin line "stats" with
//   "stats anon_kib <k> received <n> hellos <h> tracked <t> hello_table <a> reliable <r>
//    evicted <e> busy <b> dropped <d> reply_bytes <y> consumed <c>"
// (consumed: the fewest events either victim callback has seen)
// (anon_kib: resident minus file-backed pages, from /proc/self/statm) and exit at EOF.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

namespace {

using Flags = std::map<std::string, std::string>;

int fail(const std::string& msg) {
  std::fprintf(stderr, "memory_agent: %s\n", msg.c_str());
  return 2;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

long long num(const Flags& f, const std::string& k, long long def) {
  auto it = f.find(k);
  return it == f.end() ? def : std::stoll(it->second);
}

// Resident anonymous memory: statm's resident minus shared (file-backed) pages.
long long anon_kib() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0, shared = 0;
  statm >> size >> resident >> shared;
  return (resident - shared) * (::sysconf(_SC_PAGESIZE) / 1024);
}

std::atomic<long long> g_best_effort{0};
std::atomic<long long> g_reliable{0};

void serve_stats(vsm::Node& node) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line != "stats") continue;
    const auto s = node.stats();
    say("stats anon_kib " + std::to_string(anon_kib()) + " received " +
        std::to_string(s.total().received) + " hellos " + std::to_string(s.hellos_received) +
        " tracked " + std::to_string(s.tracked_publishers) + " hello_table " +
        std::to_string(s.hello_publishers) + " reliable " + std::to_string(s.reliable_publishers) +
        " evicted " + std::to_string(s.publishers_evicted) + " busy " +
        std::to_string(s.control_busy) + " dropped " + std::to_string(s.control_dropped) +
        " reply_bytes " + std::to_string(s.control_reply_bytes) + " consumed " +
        std::to_string(std::min(g_best_effort.load(), g_reliable.load())));
  }
}

int run_victim(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = "s1.victim";
  cfg.role = vsm::Role::kS1;
  cfg.peers = {f.at("peer")};
  cfg.max_tracked_publishers =
      static_cast<std::size_t>(num(f, "max-tracked", static_cast<long long>(cfg.max_tracked_publishers)));
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  vsm::SubscribeOptions reliable;
  reliable.mode = vsm::DeliveryMode::kReliable;
  auto a = node.subscribe(vsm::Filter::on(vsm::Channel::kCommand),
                          [](const vsm::Event&) { ++g_best_effort; });
  auto b = node.subscribe(vsm::Filter::on(vsm::Channel::kCommand),
                          [](const vsm::Event&) { ++g_reliable; }, reliable);
  if (!a || !b) return fail("subscribe failed");
  say("ready");
  serve_stats(node);
  node.stop();
  return 0;
}

int run_logger(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = "s3.logger";
  cfg.role = vsm::Role::kS3;
  cfg.log_dir = f.at("log");
  cfg.log_options.fsync = vsm::persist::FsyncPolicy::kNone;
  cfg.replay_ring_bytes_per_channel = 0;
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  const std::string blob(60 << 10, 'x');
  const long long events = num(f, "fill-mib", 64) * 1024 / 60;
  for (long long i = 0; i < events; ++i) {
    vsm::Event e;
    e.channel = vsm::Channel::kCommand;
    e.type = "blob";
    e.payload = vsm::pack_value(blob);
    if (auto r = node.publish(std::move(e)); !r) return fail(r.error().to_string());
  }
  // A baseline without the fill's transient heap: wait until the sender has committed
  // everything, then hand the free heap back.
  for (int i = 0; i < 60'000 && node.stats().of(vsm::Channel::kCommand).sent <
                                    static_cast<std::uint64_t>(events); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling with a deadline
  }
  ::malloc_trim(0);
  say("control " + node.control_endpoint());
  serve_stats(node);
  node.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc % 2 != 0) return fail("usage: memory_agent victim|logger --flag value ...");
  Flags f;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k.rfind("--", 0) != 0) return fail("unexpected argument " + k);
    f[k.substr(2)] = argv[i + 1];
  }
  const std::string mode = argv[1];
  try {
    if (mode == "victim") return run_victim(f);
    if (mode == "logger") return run_logger(f);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return fail("unknown mode " + mode);
}
