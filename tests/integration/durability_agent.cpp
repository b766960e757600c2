// Test agent for the durability tests (durability_test.cpp): one vsm::Node in its own
// process, driven by flags, reporting on stdout (one line per fact, first word = key).
//   durability_agent pub --name N --bind EP --control EP --log DIR [--fsync none|interval|always]
//                        [--rate EVENTS_PER_S] [--wait-subs S]
//     prints "endpoint <ep>", waits for S subscriber nodes (as applications do, so its
//     first hello reaches them before its first event), and publishes on the command channel at about the rate
//     (payload = a running index) until stdin closes or it is killed; a full queue or a
//     Reliable follower's window is retried. At stdin EOF it stops the node (flushing
//     what it accepted) and prints "published <n>".
//   durability_agent sub --name N --peer EP --out FILE [--mode reliable|best_effort]
//                        [--start-seq S] [--repair-timeout-ms T] [--repair-attempts A]
//     prints "ready", then writes one line "<publisher> <seq> <id>" per delivered event to
//     FILE (flushed at least every 20 ms while events arrive). At stdin EOF it prints
//     "result delivered <n> dead <ranges> deadevents <e> duplicates <d>", one
//     "dead <from> <to> <reason>" line per dead letter, and exits.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent_main.hpp"
#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

using namespace std::chrono_literals;

namespace {

using vsm::test::agent::fail;
using vsm::test::agent::Flags;
using vsm::test::agent::flag;
using vsm::test::agent::num;
using vsm::test::agent::say;

// True once stdin is at EOF (the test closed it). Never blocks.
bool stdin_closed() {
  pollfd p{0, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char buf[256];
  return ::read(0, buf, sizeof buf) <= 0;
}

vsm::persist::FsyncPolicy parse_fsync(const std::string& s) {
  if (s == "none") return vsm::persist::FsyncPolicy::kNone;
  if (s == "always") return vsm::persist::FsyncPolicy::kAlways;
  return vsm::persist::FsyncPolicy::kInterval;
}

// Publishes one event, retrying a full queue or a Reliable window; false on another error.
bool publish_one(vsm::Node& node, long long index) {
  vsm::Event e;
  e.channel = vsm::Channel::kCommand;
  e.type = "n";
  e.payload = vsm::pack_value(static_cast<std::int64_t>(index));
  for (;;) {
    auto r = node.publish(e);
    if (r) return true;
    const auto code = r.error().code();
    if (code != vsm::ErrorCode::kQueueFull && code != vsm::ErrorCode::kBackpressure) {
      fail(r.error().to_string());
      return false;
    }
    if (stdin_closed()) return false;
    std::this_thread::yield();
  }
}

int run_pub(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = flag(f, "name");
  cfg.role = vsm::Role::kS3;
  cfg.pub_bind = {flag(f, "bind")};
  cfg.control_bind = flag(f, "control");
  cfg.log_dir = flag(f, "log");
  cfg.log_options.fsync = parse_fsync(flag(f, "fsync", "interval"));
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  say("endpoint " + node.endpoints().front());
  const auto subs = static_cast<std::size_t>(num(f, "wait-subs", 0));
  if (subs > 0 && !node.wait_for_subscribers(subs, 30s)) return fail("no subscriber");
  // Paced in 1 ms ticks: the pacing is the load, not a synchronisation.
  const long long per_tick = std::max(1LL, num(f, "rate", 50'000) / 1'000);
  long long index = 0;
  auto next = std::chrono::steady_clock::now();
  while (!stdin_closed()) {
    for (long long i = 0; i < per_tick; ++i) {
      if (!publish_one(node, index)) break;
      ++index;
    }
    next += 1ms;
    std::this_thread::sleep_until(next);
  }
  node.stop();
  say("published " + std::to_string(index));
  return 0;
}

int run_sub(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = flag(f, "name");
  cfg.role = vsm::Role::kS1;
  cfg.peers = {flag(f, "peer")};
  vsm::SubscribeOptions opt;
  opt.mode = flag(f, "mode", "best_effort") == "reliable" ? vsm::DeliveryMode::kReliable
                                                          : vsm::DeliveryMode::kBestEffort;
  opt.start_seq = static_cast<std::uint64_t>(num(f, "start-seq", 0));
  opt.repair_timeout_ms = static_cast<int>(num(f, "repair-timeout-ms", 2'000));
  opt.repair_attempts = static_cast<int>(num(f, "repair-attempts", 3));
  std::FILE* out = std::fopen(flag(f, "out").c_str(), "w");
  if (out == nullptr) return fail("cannot write " + flag(f, "out"));
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  auto sub = node.subscribe(vsm::Filter::on(vsm::Channel::kCommand), opt);
  if (!sub) return fail(sub.error().to_string());
  say("ready");
  long long delivered = 0;
  vsm::Event e;
  auto flushed = std::chrono::steady_clock::now();
  for (long long turn = 0;; ++turn) {
    const bool got = sub->next_into(e, 20ms);
    if ((!got || turn % 1024 == 0) && stdin_closed()) break;
    if (got) {
      std::fprintf(out, "%s %llu %s\n", e.ts.node.c_str(), static_cast<unsigned long long>(e.seq),
                   e.id.to_string().c_str());
      ++delivered;
    }
    if (!got || std::chrono::steady_clock::now() - flushed > 20ms) {
      std::fflush(out);
      flushed = std::chrono::steady_clock::now();
    }
  }
  std::fclose(out);
  const auto dead = sub->dead_letters();
  long long dead_events = 0;
  for (const auto& d : dead) dead_events += static_cast<long long>(d.to_seq - d.from_seq + 1);
  say("result delivered " + std::to_string(delivered) + " dead " + std::to_string(dead.size()) +
      " deadevents " + std::to_string(dead_events) + " duplicates " +
      std::to_string(node.stats().duplicates));
  for (const auto& d : dead) {
    say("dead " + std::to_string(d.from_seq) + " " + std::to_string(d.to_seq) + " " + d.reason);
  }
  node.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return vsm::test::agent::main("durability_agent", argc, argv, {},
                                [](const std::string& mode, const Flags& f) {
                                  if (mode == "pub") return run_pub(f);
                                  if (mode == "sub") return run_sub(f);
                                  return fail("unknown mode " + mode);
                                });
}
