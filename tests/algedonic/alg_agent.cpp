// Test agent for multi-process algedonic tests: one vsm::Node per process, reporting on
// stdout, driven by stdin lines.
//   alg_agent recv NAME ROLE [DISH_BIND]
//     prints "dish <ep>" and "pub <ep>"; counts alerts from on_algedonic and from an
//     algedonic subscription. stdin: "connect <ep>" -> "connected"; "counts" ->
//     "counts sub <n> cb <n> dup <n> lane <n> dp <n> malformed <n>". Exits on EOF.
//     When the node cannot start, prints "alg_agent: <error>" on stderr and exits 2.
//   alg_agent send NAME ROLE WAIT_SUBS DISH_PEER...
//     prints "pub <ep>", waits for WAIT_SUBS data-plane subscribers, raises one alert and
//     prints "report <delivered> <peers> <node,node,...>". Exits on EOF.
#include <atomic>
#include <cstdio>
#include <future>
#include <iostream>
#include <string>

#include "vsm/node.hpp"

using namespace std::chrono_literals;

namespace {

int fail(const std::string& msg) {
  std::fprintf(stderr, "alg_agent: %s\n", msg.c_str());
  return 2;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

vsm::NodeConfig base_config(char** argv) {
  vsm::NodeConfig cfg;
  cfg.name = argv[2];
  cfg.role = vsm::parse_role(argv[3]).value_or(vsm::Role::kS1);
  cfg.control_bind.clear();
  return cfg;
}

int run_recv(int argc, char** argv) {
  vsm::NodeConfig cfg = base_config(argv);
  if (argc > 4) cfg.dish_bind = argv[4];
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  std::atomic<int> callbacks{0};
  node.on_algedonic([&](const vsm::AlgedonicAlert&) { ++callbacks; });
  std::atomic<int> delivered{0};
  auto sub = node.subscribe(vsm::Filter::on(vsm::Channel::kAlgedonic),
                            [&](const vsm::Event&) { ++delivered; });
  if (!sub) return fail(sub.error().to_string());
  say("dish " + node.dish_endpoint());
  say("pub " + node.endpoints().front());
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("connect ", 0) == 0) {
      auto st = node.connect(line.substr(8));
      say(st ? "connected" : "error " + st.error().to_string());
    } else if (line == "counts") {
      auto st = node.stats().algedonic;
      say("counts sub " + std::to_string(delivered.load()) + " cb " +
          std::to_string(callbacks.load()) + " dup " + std::to_string(st.duplicates) + " lane " +
          std::to_string(st.received_lane) + " dp " + std::to_string(st.received_data_plane) +
          " malformed " + std::to_string(st.malformed_dropped));
    }
  }
  node.stop();
  return 0;
}

int run_send(int argc, char** argv) {
  vsm::NodeConfig cfg = base_config(argv);
  const int wait_subs = std::stoi(argv[4]);
  for (int i = 5; i < argc; ++i) cfg.dish_peers.emplace_back(argv[i]);
  vsm::Node node(cfg);
  if (auto st = node.start(); !st) return fail(st.error().to_string());
  say("pub " + node.endpoints().front());
  if (!node.wait_for_subscribers(static_cast<std::size_t>(wait_subs), 30s)) {
    return fail("no subscribers");
  }
  auto r = node.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain,
                                  "pump 3 overheating", {{"temp", 97.5}});
  if (!r) return fail(r.error().to_string());
  if (r->report.wait_for(30s) != std::future_status::ready) return fail("no report");
  const auto& rep = r->report.get();
  std::string nodes;
  for (const auto& p : rep.peers) nodes += (nodes.empty() ? "" : ",") + p.node;
  say("report " + std::to_string(rep.delivered_count()) + " " + std::to_string(rep.peers.size()) +
      " " + nodes);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  node.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "recv" && (argc == 4 || argc == 5)) return run_recv(argc, argv);
  if (mode == "send" && argc >= 5) return run_send(argc, argv);
  return fail(
      "usage: alg_agent recv NAME ROLE [DISH_BIND] | send NAME ROLE WAIT_SUBS DISH_PEER...");
}
