// Bypass under load: a bulk publisher floods a receiver whose data plane cannot keep up
// (small recv HWM, many subscriptions that never read), so its SUB queue sits at the
// high-water mark. Alerts raised during the flood must arrive on the lane, far ahead of
// a bulk "marker" event published at the same moment. Compares; no absolute times.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "alg_fixture.hpp"
#include "vsm/value_pack.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::alg_config;
using vsm::test::wait_until;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t median(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

TEST_CASE("alerts bypass a saturated data plane", "[algedonic][load]") {
  auto rcfg = alg_config("s5.slow", vsm::Role::kS5);
  rcfg.recv_hwm_msgs = 100;
  vsm::Node receiver(rcfg);
  REQUIRE(receiver.start().ok());

  auto pcfg = alg_config("s3.bulk", vsm::Role::kS3);
  pcfg.dish_peers = {receiver.dish_endpoint()};
  vsm::Node publisher(pcfg);
  REQUIRE(publisher.start().ok());

  std::mutex mu;
  std::map<vsm::EventId, std::int64_t> alert_arrival;  // event id -> arrival ns
  std::map<int, std::int64_t> marker_arrival;          // marker index -> arrival ns
  std::atomic<int> via_data_plane{0};
  receiver.on_algedonic([&](const vsm::AlgedonicAlert& a) {
    const auto t = now_ns();
    if (a.path != vsm::AlgedonicPath::kLane) ++via_data_plane;
    std::lock_guard l(mu);
    alert_arrival.emplace(a.event.id, t);
  });
  vsm::Filter markers = vsm::Filter::on(vsm::Channel::kCommand);
  markers.predicate = [](const vsm::Event& e) { return e.type == "marker"; };
  auto marker_sub = receiver
                        .subscribe(markers,
                                   [&](const vsm::Event& e) {
                                     const auto t = now_ns();
                                     std::lock_guard l(mu);
                                     marker_arrival.emplace(
                                         vsm::unpack_value<int>(e.payload).value_or(-1), t);
                                   })
                        .value();
  // The slow subscriber: many subscriptions that never read make every bulk event cost
  // the receiver's reactor many copies, so the data plane backs up to the HWM.
  std::vector<vsm::Subscription> never_read;
  vsm::SubscribeOptions tiny;
  tiny.queue_capacity = 8;
  for (int i = 0; i < 24; ++i) {
    never_read.push_back(receiver.subscribe(vsm::Filter::on(vsm::Channel::kCommand), tiny).value());
  }
  REQUIRE(receiver.connect(publisher.endpoints().front()).ok());
  REQUIRE(publisher.wait_for_subscribers(1, 10s));

  constexpr int kBulk = 60'000;
  constexpr int kAlerts = 10;
  const std::string blob(1024, 'b');
  std::map<vsm::EventId, std::int64_t> alert_sent;
  std::map<int, std::int64_t> marker_sent;
  int published = 0;
  for (int i = 0; i < kBulk; ++i) {
    vsm::Event e;
    e.channel = vsm::Channel::kCommand;
    e.type = "bulk";
    e.payload = vsm::Value::string(blob);
    for (int spin = 0; spin < 1'000'000; ++spin) {
      auto r = publisher.publish(e);
      if (r) break;
      REQUIRE(r.error().code() == vsm::ErrorCode::kQueueFull);
      std::this_thread::yield();
    }
    ++published;
    if (i > 0 && i % (kBulk / (kAlerts + 1)) == 0 && static_cast<int>(alert_sent.size()) < kAlerts) {
      const int k = static_cast<int>(alert_sent.size());
      const auto t = now_ns();
      vsm::Event m;
      m.channel = vsm::Channel::kCommand;
      m.type = "marker";
      m.payload = vsm::pack_value(k);
      auto mr = publisher.publish(m);
      auto ar = publisher.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain,
                                            "overload " + std::to_string(k));
      REQUIRE(ar.ok());
      alert_sent.emplace(ar->id, t);
      if (mr) marker_sent.emplace(k, t);
    }
  }
  REQUIRE(static_cast<int>(alert_sent.size()) == kAlerts);
  REQUIRE(wait_until([&] {
    std::lock_guard l(mu);
    return alert_arrival.size() == alert_sent.size();
  }, 30s));
  // Markers travel behind the backlog; give them time to drain (they may also be lost
  // to the publisher's HWM, which only strengthens the point).
  (void)wait_until([&] {
    std::lock_guard l(mu);
    return marker_arrival.size() == marker_sent.size();
  }, 60s);

  std::vector<std::int64_t> alert_lat, marker_lat;
  {
    std::lock_guard l(mu);
    for (const auto& [id, t] : alert_sent) alert_lat.push_back(alert_arrival.at(id) - t);
    for (const auto& [k, t] : marker_sent) {
      auto it = marker_arrival.find(k);
      marker_lat.push_back(it == marker_arrival.end() ? INT64_MAX / 4 : it->second - t);
    }
  }
  const auto st = receiver.stats();
  INFO("alert median ns " << median(alert_lat) << ", marker median ns " << median(marker_lat)
                          << ", command drops " << st.of(vsm::Channel::kCommand).dropped);
  CHECK(via_data_plane.load() == 0);  // every alert arrived via the lane
  CHECK(st.algedonic.received_lane == static_cast<std::uint64_t>(kAlerts));
  CHECK(st.of(vsm::Channel::kCommand).dropped > 0);  // the slow subscriber overflowed
  REQUIRE_FALSE(marker_lat.empty());
  CHECK(median(alert_lat) * 5 < median(marker_lat));
  CHECK(*std::max_element(alert_lat.begin(), alert_lat.end()) < median(marker_lat));
  auto ps = publisher.stats().algedonic;
  CHECK(ps.raised == static_cast<std::uint64_t>(kAlerts));
}
