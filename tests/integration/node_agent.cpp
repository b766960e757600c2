// Test agent: one vsm::Node in its own process, driven by flags, reporting on stdout.
//   node_agent pub NAME ROLE CHANNEL COUNT WAIT_SUBS
//     prints "endpoint <ep>", waits for WAIT_SUBS subscribers, publishes COUNT events
//     (payload = index), prints "published <n>", then exits when stdin closes.
//   node_agent sub NAME ROLE ENDPOINT CHANNEL COUNT [TYPE]
//     subscribes (optionally to one type), prints "ready", receives COUNT events and
//     prints "received <n> inorder <0|1> gaps <g>", or "timeout <n>" after 30 s idle.
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

using namespace std::chrono_literals;

namespace {

int fail(const std::string& msg) {
  std::fprintf(stderr, "node_agent: %s\n", msg.c_str());
  return 2;
}

int run_pub(char** argv) {
  vsm::NodeConfig cfg;
  cfg.name = argv[2];
  cfg.role = vsm::parse_role(argv[3]).value_or(vsm::Role::kS1);
  auto channel = vsm::parse_channel(argv[4]);
  if (!channel) return fail("unknown channel");
  const int count = std::stoi(argv[5]);
  const int wait_subs = std::stoi(argv[6]);
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  std::printf("endpoint %s\n", node.endpoints().front().c_str());
  std::fflush(stdout);
  if (!node.wait_for_subscribers(static_cast<std::size_t>(wait_subs), 30s)) {
    return fail("no subscriber");
  }
  int published = 0;
  for (int i = 0; i < count; ++i) {
    vsm::Event e;
    e.channel = *channel;
    e.type = (i % 2 == 0) ? "even" : "odd";
    e.payload = vsm::pack_value(i);
    for (int attempt = 0; attempt < 100000; ++attempt) {
      auto r = node.publish(e);
      if (r) { ++published; break; }
      if (r.error().code() != vsm::ErrorCode::kQueueFull) return fail(r.error().to_string());
      std::this_thread::yield();
    }
  }
  std::printf("published %d\n", published);
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  node.stop();
  return 0;
}

int run_sub(int argc, char** argv) {
  vsm::NodeConfig cfg;
  cfg.name = argv[2];
  cfg.role = vsm::parse_role(argv[3]).value_or(vsm::Role::kS1);
  cfg.peers = {argv[4]};
  auto channel = vsm::parse_channel(argv[5]);
  if (!channel) return fail("unknown channel");
  const int count = std::stoi(argv[6]);
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  vsm::Filter f = vsm::Filter::on(*channel);
  if (argc > 7) f.type = argv[7];
  auto sub = node.subscribe(f).value();
  std::printf("ready\n");
  std::fflush(stdout);
  int received = 0;
  bool in_order = true;
  int last = -1;
  while (received < count) {
    auto e = sub.next(30s);
    if (!e) {
      std::printf("timeout %d\n", received);
      return 1;
    }
    int v = vsm::unpack_value<int>(e->payload).value_or(-1);
    if (v <= last) in_order = false;
    if (f.type && e->type != *f.type) in_order = false;
    last = v;
    ++received;
  }
  std::printf("received %d inorder %d gaps %llu\n", received, in_order ? 1 : 0,
              static_cast<unsigned long long>(node.stats().gap_events));
  std::fflush(stdout);
  node.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "pub" && argc == 7) return run_pub(argv);
  if (mode == "sub" && argc >= 7) return run_sub(argc, argv);
  return fail("usage: node_agent pub NAME ROLE CHANNEL COUNT WAIT_SUBS | "
              "sub NAME ROLE ENDPOINT CHANNEL COUNT [TYPE]");
}
