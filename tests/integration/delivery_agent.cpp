// Test agent for delivery modes: one vsm::Node in its own process, driven by flags,
// reporting on stdout (one line per fact, first word = key).
//   delivery_agent pub --name N [--channel C] [--count K] [--wait-subs S] [--sndhwm H]
//                      [--ring-bytes B] [--block-ms B]
//     prints "endpoint <ep>", waits for S subscribers, publishes K events whose payload
//     is their index 0..K-1, prints "published <K>"; then each stdin line "more <M>"
//     publishes M further events (indices continue) and prints "published <total>";
//     exits at stdin EOF. publish() waits up to B ms for room (publish_block_timeout_ms);
//     a full queue or a Reliable follower's window (kBackpressure) is retried, and the
//     first kBackpressure of each batch prints "backpressure". At exit it prints
//     "flow followers <n> lost <l> timedout <t> backpressure <b>".
//   delivery_agent sub --name N --peer EP [--channel C] --count K
//                      [--mode reliable|best_effort|latest_only] [--rcvhwm H]
//                      [--start-seq S] [--queue Q] [--max-held M] [--slow-every E]
//                      [--stall] [--idle-ms T] [--repair-timeout-ms R] [--hold]
//     prints "ready"; with --stall prints "stalled" once a repair was requested and its
//     queue is full, then waits for a stdin line "go". Consumes events checking that the
//     payload indices arrive exactly once and in order, sleeping 1 ms every E events to
//     be a slow consumer. Ends when K events were consumed (or, best effort, when
//     consumed + counted drops reach K), or after T ms without progress, printing
//     "result received <n> inorder <0|1> dups <d> dropped <x> dead <ranges> deadevents <e>
//      repaired <events fetched by repairs>"
//     then one "dead <from> <to> <reason>" line per dead letter. With --hold it then keeps
//     its node (and subscription) open without consuming, until stdin closes.
#include <chrono>
#include <cstdio>
#include <iostream>
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

bool publish_range(vsm::Node& node, vsm::Channel ch, long long from, long long to) {
  bool said_backpressure = false;
  for (long long i = from; i < to; ++i) {
    vsm::Event e;
    e.channel = ch;
    e.type = "n";
    e.payload = vsm::pack_value(static_cast<std::int64_t>(i));
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    for (;;) {
      auto r = node.publish(e);
      if (r) break;
      const auto code = r.error().code();
      if (code == vsm::ErrorCode::kBackpressure && !said_backpressure) {
        said_backpressure = true;
        say("backpressure");
      }
      if ((code != vsm::ErrorCode::kQueueFull && code != vsm::ErrorCode::kBackpressure) ||
          std::chrono::steady_clock::now() > deadline) {
        fail(r.error().to_string());
        return false;
      }
      std::this_thread::yield();
    }
  }
  return true;
}

int run_pub(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = flag(f, "name");
  cfg.role = vsm::Role::kS3;
  cfg.send_hwm_msgs = static_cast<int>(num(f, "sndhwm", cfg.send_hwm_msgs));
  cfg.replay_ring_bytes_per_channel =
      static_cast<std::size_t>(num(f, "ring-bytes", static_cast<long long>(64u << 20)));
  cfg.publish_block_timeout_ms = static_cast<int>(num(f, "block-ms", 0));
  auto ch = vsm::parse_channel(flag(f, "channel", "command"));
  if (!ch) return fail("unknown channel");
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  say("endpoint " + node.endpoints().front());
  const auto subs = static_cast<std::size_t>(num(f, "wait-subs", 0));
  if (subs > 0 && !node.wait_for_subscribers(subs, 30s)) return fail("no subscriber");
  long long total = num(f, "count", 0);
  if (!publish_range(node, *ch, 0, total)) return 1;
  say("published " + std::to_string(total));
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("more ", 0) != 0) continue;
    const long long more = std::stoll(line.substr(5));
    if (!publish_range(node, *ch, total, total + more)) return 1;
    total += more;
    say("published " + std::to_string(total));
  }
  const auto st = node.stats();
  say("flow followers " + std::to_string(st.reliable_followers) + " lost " +
      std::to_string(st.reliable_lost) + " timedout " + std::to_string(st.reliable_timed_out) +
      " backpressure " + std::to_string(st.reliable_backpressure));
  node.stop();
  return 0;
}

vsm::DeliveryMode parse_mode(const std::string& m) {
  if (m == "reliable") return vsm::DeliveryMode::kReliable;
  if (m == "latest_only") return vsm::DeliveryMode::kLatestOnly;
  return vsm::DeliveryMode::kBestEffort;
}

int run_sub(const Flags& f) {
  vsm::NodeConfig cfg;
  cfg.name = flag(f, "name");
  cfg.role = vsm::Role::kS1;
  cfg.peers = {flag(f, "peer")};
  cfg.recv_hwm_msgs = static_cast<int>(num(f, "rcvhwm", cfg.recv_hwm_msgs));
  auto ch = vsm::parse_channel(flag(f, "channel", "command"));
  if (!ch) return fail("unknown channel");
  const long long count = num(f, "count", 0);
  const long long slow_every = num(f, "slow-every", 0);
  const auto idle = std::chrono::milliseconds(num(f, "idle-ms", 10'000));
  vsm::SubscribeOptions opt;
  opt.mode = parse_mode(flag(f, "mode", "reliable"));
  opt.start_seq = static_cast<std::uint64_t>(num(f, "start-seq", 0));
  opt.queue_capacity = static_cast<std::size_t>(num(f, "queue", 65'536));
  opt.max_held_events = static_cast<std::size_t>(num(f, "max-held", 200'000));
  opt.repair_timeout_ms = static_cast<int>(num(f, "repair-timeout-ms", 2'000));
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  auto sub = node.subscribe(vsm::Filter::on(*ch), opt);
  if (!sub) return fail(sub.error().to_string());
  say("ready");
  if (f.count("stall")) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!(node.stats().repairs_requested > 0 && sub->queued() >= opt.queue_capacity)) {
      if (std::chrono::steady_clock::now() > deadline) return fail("never stalled");
      std::this_thread::sleep_for(5ms);  // polling a condition with a deadline
    }
    say("stalled");
    std::string line;
    while (std::getline(std::cin, line) && line != "go") {
    }
  }
  long long received = 0;
  long long expected = opt.start_seq > 1 ? static_cast<long long>(opt.start_seq) - 1 : -1;
  long long dups = 0;
  bool in_order = true;
  bool first = true;
  auto last_progress = std::chrono::steady_clock::now();
  const bool best_effort = opt.mode == vsm::DeliveryMode::kBestEffort;
  auto dropped = [&] { return static_cast<long long>(node.stats().of(*ch).dropped); };
  while (received < count && !(best_effort && received + dropped() >= count)) {
    auto e = sub->next(50ms);
    if (!e) {
      if (std::chrono::steady_clock::now() - last_progress > idle) break;
      continue;
    }
    last_progress = std::chrono::steady_clock::now();
    const auto v = vsm::unpack_value<std::int64_t>(e->payload).value_or(-1);
    if (v <= expected && !first) {
      ++dups;
    } else if (opt.mode == vsm::DeliveryMode::kReliable) {
      // Reliable: every index exactly once, in order, except ranges dead-lettered.
      if (v != expected + 1 && sub->dead_letter_count() == 0) in_order = false;
    }
    if (v > expected) expected = v;
    first = false;
    ++received;
    if (slow_every > 0 && received % slow_every == 0) std::this_thread::sleep_for(1ms);
  }
  const auto dead = sub->dead_letters();
  long long dead_events = 0;
  for (const auto& d : dead) dead_events += static_cast<long long>(d.to_seq - d.from_seq + 1);
  say("result received " + std::to_string(received) + " inorder " + (in_order ? "1" : "0") +
      " dups " + std::to_string(dups) + " dropped " + std::to_string(dropped()) + " dead " +
      std::to_string(dead.size()) + " deadevents " + std::to_string(dead_events) + " repaired " +
      std::to_string(node.stats().repaired_events));
  const auto st = node.stats();
  std::fprintf(stderr,
               "delivery_agent: hellos %llu repairs requested %llu failed %llu events %llu "
               "queued %zu\n",
               static_cast<unsigned long long>(st.hellos_received),
               static_cast<unsigned long long>(st.repairs_requested),
               static_cast<unsigned long long>(st.repairs_failed),
               static_cast<unsigned long long>(st.repaired_events), sub->queued());
  for (const auto& d : dead) {
    say("dead " + std::to_string(d.from_seq) + " " + std::to_string(d.to_seq) + " " + d.reason);
  }
  if (f.count("hold")) {
    say("holding");
    std::string line;
    while (std::getline(std::cin, line)) {
    }
  }
  node.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return vsm::test::agent::main("delivery_agent", argc, argv, {"stall", "hold"},
                                [](const std::string& mode, const Flags& f) {
                                  if (mode == "pub") return run_pub(f);
                                  if (mode == "sub") return run_sub(f);
                                  return fail("unknown mode " + mode);
                                });
}
