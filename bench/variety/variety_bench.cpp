// Semantic compression benchmark (docs/VARIETY.md). Prints:
//   1. the ratio: 1,000 similar events published in one window -> events on the wire;
//   2. the publish() cost per event (median of 5 runs) with compression off (no rule: the
//      publish path's only cost is one null-pointer test), with a rule for another
//      type (rule lookup per event), and with every event folded.
// Usage: variety_bench [--events N] [--smoke] [--json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "report.hpp"
#include "vsm/msgpack_writer.hpp"
#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

namespace {

vsm::Event reading(int i) {
  vsm::Event e;
  e.channel = vsm::Channel::kCoordination;
  e.type = "temp";
  std::string p;  // {"sensor": "t1", "temp": 20..26}
  vsm::MsgpackWriter w(p);
  w.map_header(2);
  w.str("sensor"); w.str("t1");
  w.str("temp"); w.float64(20.0 + i % 7);
  e.payload = vsm::Value::from_encoded(std::move(p));
  return e;
}

vsm::NodeConfig config(const char* name, const char* rule_type, std::size_t max_events) {
  vsm::NodeConfig c;
  c.name = name;
  c.role = vsm::Role::kS1;
  c.publish_queue_capacity = 1 << 16;
  if (rule_type != nullptr) {
    vsm::CompressionRule r;
    r.channel = vsm::Channel::kCoordination;
    r.type = rule_type;
    r.keys = {"sensor"};
    r.window_ms = 600'000;
    r.max_events = max_events;
    c.compression.rules.push_back(r);
  }
  return c;
}

// ns per publish() over `n` events, median of `runs`.
double publish_ns(vsm::Node& node, int n, int runs) {
  std::vector<double> ns;
  for (int r = 0; r < runs; ++r) {
    std::vector<vsm::Event> events;
    events.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) events.push_back(reading(i));
    const auto t0 = std::chrono::steady_clock::now();
    for (auto& e : events) {
      if (!node.publish(std::move(e))) std::abort();
    }
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / n);
  }
  std::sort(ns.begin(), ns.end());
  return ns[ns.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int events = 100'000;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) events = 5'000;
    else if (!std::strcmp(argv[i], "--json")) json = true;
    else if (!std::strcmp(argv[i], "--events") && i + 1 < argc) events = std::atoi(argv[++i]);
  }
  // 1. Ratio.
  vsm::Node folding(config("s1.ratio", "temp", 1000));
  if (!folding.start()) return 1;
  for (int i = 0; i < 1000; ++i) {
    if (!folding.publish(reading(i))) return 1;
  }
  const auto v = folding.stats().variety;
  const auto wire = folding.stats().of(vsm::Channel::kCoordination).published;
  folding.stop();
  // 2. Cost per publish().
  struct Case {
    const char* name;
    const char* rule_type;
  };
  const Case cases[] = {{"compression off (no rule)", nullptr},
                        {"rule for another type", "pressure"},
                        {"every event folded", "temp"}};
  vsm::bench::MarkdownTable table({"case", "ns/publish"});
  nlohmann::json out;
  out["ratio"] = {{"events", 1000}, {"summaries", v.summaries_sent},
                  {"wire_events", wire}, {"compression_ratio", v.compression_ratio}};
  for (const auto& c : cases) {
    vsm::Node node(config("s1.cost", c.rule_type, 0));
    if (!node.start()) return 1;
    const double ns = publish_ns(node, events, 5);
    node.stop();
    char cell[32];
    std::snprintf(cell, sizeof cell, "%.0f", ns);
    table.add_row({c.name, cell});
    out["cost_ns"][c.name] = ns;
  }
  if (json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("1,000 similar events in one window: %llu summary, %llu event(s) on the wire, "
              "ratio %.0f:1\n\n",
              static_cast<unsigned long long>(v.summaries_sent),
              static_cast<unsigned long long>(wire), v.compression_ratio);
  table.print(std::cout);
  return 0;
}
