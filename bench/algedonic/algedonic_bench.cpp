// algedonic_bench: latency of algedonic alerts (UDP lane, raise -> on_algedonic) next to
// the latency of a bulk event published at the same moment (data plane, publish ->
// subscription callback), first with the data plane idle, then saturated by a flood to a
// receiver whose data plane cannot keep up (small recv HWM, a subscription never read).
//   algedonic_bench [--alerts N] [--interval-us U] [--realtime PRIO] [--json] [--smoke]
// --realtime sets NodeConfig::algedonic_realtime_priority (SCHED_FIFO lane threads).
// Goal (DESIGN §7): alert p99 <= 1 ms with the data plane saturated.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench_clock.hpp"
#include "latency_histogram.hpp"
#include "report.hpp"
#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

using namespace std::chrono_literals;
using vsm::bench::LatencyHistogram;
using vsm::bench::now_ns;

namespace {

struct Options {
  int alerts = 2000;
  int interval_us = 1000;
  bool json = false;
  bool smoke = false;
  int realtime = 0;  // algedonic_realtime_priority for both nodes
};

struct PhaseResult {
  std::string name;
  LatencyHistogram alert;
  LatencyHistogram bulk;
  int alerts_sent = 0;
  int alerts_via_lane = 0;
  int bulk_sent = 0;
  std::uint64_t flood_events = 0;
};

// Receiver-side arrival times keyed by the index carried in the event.
struct Arrivals {
  std::mutex mu;
  std::map<int, std::int64_t> alert, bulk;
  std::atomic<int> via_lane{0};
};

int index_of(const std::string& description) {
  return std::atoi(description.c_str() + description.find('#') + 1);
}

PhaseResult run_phase(const std::string& name, bool saturate, const Options& o) {
  PhaseResult res;
  res.name = name;
  vsm::NodeConfig rc;
  rc.name = "s5.bench";
  rc.role = vsm::Role::kS5;
  rc.control_bind.clear();
  rc.recv_hwm_msgs = 200;
  rc.algedonic_realtime_priority = o.realtime;
  vsm::Node receiver(rc);
  if (!receiver.start()) throw std::runtime_error("receiver start failed");
  vsm::NodeConfig sc;
  sc.name = "s3.bench";
  sc.role = vsm::Role::kS3;
  sc.control_bind.clear();
  sc.send_hwm_msgs = 50'000;
  sc.algedonic_realtime_priority = o.realtime;
  sc.dish_peers = {receiver.dish_endpoint()};
  vsm::Node sender(sc);
  if (!sender.start()) throw std::runtime_error("sender start failed");

  Arrivals arr;
  receiver.on_algedonic([&](const vsm::AlgedonicAlert& a) {
    const auto t = now_ns();
    if (a.path == vsm::AlgedonicPath::kLane) ++arr.via_lane;
    std::lock_guard l(arr.mu);
    arr.alert.emplace(index_of(a.description), t);
  });
  vsm::Filter mf = vsm::Filter::on(vsm::Channel::kCommand);
  mf.predicate = [](const vsm::Event& e) { return e.type == "marker"; };
  auto markers = receiver.subscribe(mf, [&](const vsm::Event& e) {
    const auto t = now_ns();
    std::lock_guard l(arr.mu);
    arr.bulk.emplace(vsm::unpack_value<int>(e.payload).value_or(-1), t);
  });
  vsm::SubscribeOptions tiny;
  tiny.queue_capacity = 16;
  std::vector<vsm::Subscription> never_read;  // the slow subscriber
  for (int i = 0; i < (saturate ? 16 : 1); ++i) {
    never_read.push_back(receiver.subscribe(vsm::Filter::on(vsm::Channel::kCommand), tiny).value());
  }
  if (!receiver.connect(sender.endpoints().front()) || !sender.wait_for_subscribers(1, 10s)) {
    throw std::runtime_error("data plane did not connect");
  }

  std::atomic<bool> flooding{saturate};
  std::atomic<std::uint64_t> flood_count{0};
  std::jthread flood;
  if (saturate) {
    flood = std::jthread([&] {
      vsm::Event e;
      e.channel = vsm::Channel::kCommand;
      e.type = "bulk";
      e.payload = vsm::Value::string(std::string(512, 'b'));
      while (flooding.load(std::memory_order_relaxed)) {
        if (sender.publish(e)) {
          flood_count.fetch_add(1, std::memory_order_relaxed);
        } else {
          std::this_thread::yield();
        }
      }
    });
    // Let the backlog build before measuring.
    const auto fill_deadline = std::chrono::steady_clock::now() + 10s;
    while (flood_count.load() < 100'000 && std::chrono::steady_clock::now() < fill_deadline) {
      std::this_thread::sleep_for(1ms);
    }
  }

  // With --realtime the raising thread is SCHED_FIFO too (after the flood thread was
  // created, so the flood does not inherit it): the alert path end to end.
  if (o.realtime > 0) {
    sched_param p{};
    p.sched_priority = std::min(o.realtime, 99);
    (void)::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &p);
  }
  std::map<int, std::int64_t> sent_at, bulk_sent_at;
  vsm::bench::Pacer pacer(1e6 / o.interval_us);
  for (int i = 0; i < o.alerts; ++i) {
    pacer.wait();
    const auto t = now_ns();
    auto r = sender.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain,
                                      "bench #" + std::to_string(i));
    vsm::Event m;
    m.channel = vsm::Channel::kCommand;
    m.type = "marker";
    m.payload = vsm::pack_value(i);
    if (r) sent_at.emplace(i, t);
    if (sender.publish(std::move(m))) bulk_sent_at.emplace(i, t);
  }
  if (o.realtime > 0) {
    sched_param p{};
    (void)::pthread_setschedparam(::pthread_self(), SCHED_OTHER, &p);
  }
  flooding = false;
  if (flood.joinable()) flood.join();
  res.flood_events = flood_count.load();
  // Bounded drain: alerts are quick; markers sit behind the backlog.
  const auto deadline = std::chrono::steady_clock::now() + (o.smoke ? 2s : saturate ? 20s : 5s);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard l(arr.mu);
      if (arr.alert.size() >= sent_at.size() && arr.bulk.size() >= bulk_sent_at.size()) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard l(arr.mu);
  for (const auto& [i, t] : sent_at) {
    if (auto it = arr.alert.find(i); it != arr.alert.end()) res.alert.record(it->second - t);
  }
  for (const auto& [i, t] : bulk_sent_at) {
    if (auto it = arr.bulk.find(i); it != arr.bulk.end()) res.bulk.record(it->second - t);
  }
  res.alerts_sent = static_cast<int>(sent_at.size());
  res.bulk_sent = static_cast<int>(bulk_sent_at.size());
  res.alerts_via_lane = arr.via_lane.load();
  return res;
}

std::string us(std::uint64_t ns) { return vsm::bench::fmt(static_cast<double>(ns) / 1000.0, 1); }

nlohmann::json hist_json(const LatencyHistogram& h, int sent) {
  return {{"sent", sent},
          {"received", h.count()},
          {"p50_us", h.percentile(0.50) / 1000.0},
          {"p95_us", h.percentile(0.95) / 1000.0},
          {"p99_us", h.percentile(0.99) / 1000.0},
          {"max_us", h.max() / 1000.0}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      o.json = true;
    } else if (a == "--smoke") {
      o.alerts = 150;
      o.interval_us = 3000;
      o.smoke = true;
    } else if (a == "--realtime" && i + 1 < argc) {
      o.realtime = std::stoi(argv[++i]);
    } else if (a == "--alerts" && i + 1 < argc) {
      o.alerts = std::stoi(argv[++i]);
    } else if (a == "--interval-us" && i + 1 < argc) {
      o.interval_us = std::max(1, std::stoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: algedonic_bench [--alerts N] [--interval-us U] [--realtime PRIO] [--json] "
                   "[--smoke]\n");
      return 2;
    }
  }
  std::vector<PhaseResult> phases;
  try {
    phases.push_back(run_phase("idle", false, o));
    phases.push_back(run_phase("saturated", true, o));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "algedonic_bench: %s\n", e.what());
    return 1;
  }
  if (o.json) {
    nlohmann::json j;
    j["machine"] = vsm::bench::machine_info();
    j["alerts_per_phase"] = o.alerts;
    j["interval_us"] = o.interval_us;
    j["realtime_priority"] = o.realtime;
    for (const auto& p : phases) {
      j["phases"][p.name] = {{"alert", hist_json(p.alert, p.alerts_sent)},
                             {"bulk", hist_json(p.bulk, p.bulk_sent)},
                             {"alerts_via_lane", p.alerts_via_lane},
                             {"flood_events", p.flood_events}};
    }
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  vsm::bench::MarkdownTable t({"data plane", "path", "sent", "received", "p50 us", "p95 us",
                               "p99 us", "max us"});
  for (const auto& p : phases) {
    t.add_row({p.name, "alert (lane)", std::to_string(p.alerts_sent),
               std::to_string(p.alert.count()), us(p.alert.percentile(0.5)),
               us(p.alert.percentile(0.95)), us(p.alert.percentile(0.99)), us(p.alert.max())});
    t.add_row({p.name, "bulk event", std::to_string(p.bulk_sent), std::to_string(p.bulk.count()),
               us(p.bulk.percentile(0.5)), us(p.bulk.percentile(0.95)),
               us(p.bulk.percentile(0.99)), us(p.bulk.max())});
  }
  t.print(std::cout);
  const auto& sat = phases.back();
  std::cout << "\nsaturated: " << sat.flood_events << " flood events; " << sat.alerts_via_lane
            << "/" << sat.alerts_sent << " alerts arrived first via the lane; goal p99 <= 1000 us: "
            << (sat.alert.percentile(0.99) <= 1'000'000 ? "met" : "NOT met") << '\n';
  return 0;
}
