// TelemetryHub on its own: rate limit (reports beyond the burst are counted, never
// queued), numbering, publishing, the recent ring, kLocal and kRemote callbacks, the
// bounded queue of other nodes' frames, and decode errors.
#include "telemetry/telemetry_hub.hpp"

#include <catch2/catch.hpp>
#include <mutex>

#include "telemetry/telemetry_codec.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::TelemetryEvent;
using vsm::TelemetryKind;
using vsm::TelemetryOrigin;
using vsm::detail::TelemetryHub;
using vsm::detail::TelemetryWiring;

namespace {

struct Sink {
  std::mutex mu;
  std::vector<std::string> frames;
  std::vector<bool> subscriptions;
};

TelemetryWiring wiring(Sink& sink) {
  TelemetryWiring w;
  w.publish = [&sink](std::string_view topic, std::string_view body) {
    std::lock_guard lock(sink.mu);
    sink.frames.push_back(std::string(topic) + '\0' + std::string(body));
    return true;
  };
  w.stats = [] { return vsm::NodeStats{}; };
  w.subscribe_remote = [&sink](bool on) {
    std::lock_guard lock(sink.mu);
    sink.subscriptions.push_back(on);
  };
  return w;
}

TelemetryEvent member_dead(std::string name) {
  TelemetryEvent e;
  e.kind = TelemetryKind::kMemberDead;
  e.subject = std::move(name);
  return e;
}

}  // namespace

TEST_CASE("reports beyond the burst are suppressed and counted", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.hub";
  cfg.telemetry_burst = 5;
  cfg.telemetry_max_per_s = 0.001;  // practically no refill during the test
  Sink sink;
  std::vector<std::uint64_t> seqs;
  std::mutex mu;
  TelemetryHub hub(cfg);
  hub.add_callback(
      [&](const TelemetryEvent& e) {
        std::lock_guard lock(mu);
        seqs.push_back(e.seq);
      },
      TelemetryOrigin::kLocal);
  hub.start(wiring(sink));
  for (int i = 0; i < 100; ++i) hub.report(member_dead("m" + std::to_string(i)));
  REQUIRE(vsm::test::wait_until([&] { return hub.stats().published == 5; }));
  CHECK(hub.stats().suppressed == 95);
  hub.stop();
  CHECK(hub.stats().published == 5);
  CHECK(seqs == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  REQUIRE(sink.frames.size() == 5);
  auto first = vsm::detail::decode_telemetry_frame(sink.frames[0]);
  REQUIRE(first);
  CHECK(first->node == "s1.hub");
  CHECK(first->subject == "m0");
  CHECK(first->wall_ms > 0);
  const auto recent = hub.recent();
  REQUIRE(recent.size() == 5);
  CHECK(recent.back().subject == "m4");
}

TEST_CASE("telemetry_enabled = false publishes nothing", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.off";
  cfg.telemetry_enabled = false;
  Sink sink;
  TelemetryHub hub(cfg);
  hub.start(wiring(sink));
  hub.report(member_dead("x"));
  hub.stop();
  CHECK(hub.stats().published == 0);
  CHECK(sink.frames.empty());
}

TEST_CASE("other nodes' reports reach kRemote callbacks; bad ones are counted",
          "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.name = "s5.watch";
  Sink sink;
  std::mutex mu;
  std::vector<TelemetryEvent> got;
  TelemetryHub hub(cfg);  // declared last: stopped before what its callbacks touch
  hub.start(wiring(sink));
  hub.on_remote_frame(
      vsm::detail::encode_telemetry_frame(member_dead("ignored")));  // no callback yet
  const auto token = hub.add_callback(
      [&](const TelemetryEvent& e) {
        std::lock_guard lock(mu);
        got.push_back(e);
      },
      TelemetryOrigin::kRemote);
  TelemetryEvent e = member_dead("s1.b");
  e.node = "s3.control";
  e.seq = 7;
  hub.on_remote_frame(vsm::detail::encode_telemetry_frame(e));
  hub.on_remote_frame("~vsm/tel/s3.control/flow\0garbage");
  e.node = "s5.watch";  // our own, heard back: not a remote report
  hub.on_remote_frame(vsm::detail::encode_telemetry_frame(e));
  REQUIRE(vsm::test::wait_until([&] { return hub.stats().decode_errors == 1; }));
  REQUIRE(vsm::test::wait_until([&] { return hub.stats().remote_received == 1; }));
  hub.remove_callback(token);
  hub.stop();
  REQUIRE(got.size() == 1);
  CHECK(got[0].node == "s3.control");
  CHECK(got[0].seq == 7);
  CHECK(got[0].subject == "s1.b");
  CHECK(sink.subscriptions == std::vector<bool>{true, false});
}

TEST_CASE("the queue of other nodes' frames is bounded", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.name = "s5.watch";
  TelemetryHub hub(cfg);
  // Not started: nothing drains the queue, so what exceeds its bound is dropped.
  hub.add_callback([](const TelemetryEvent&) {}, TelemetryOrigin::kRemote);
  const std::string frame = vsm::detail::encode_telemetry_frame([] {
    TelemetryEvent e = member_dead("x");
    e.node = "s1.flood";
    return e;
  }());
  for (std::size_t i = 0; i < TelemetryHub::kRemoteCapacity + 500; ++i) hub.on_remote_frame(frame);
  CHECK(hub.stats().remote_dropped == 500);
}

TEST_CASE("a callback that throws is counted and the others still run", "[node][telemetry]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.cb";
  Sink sink;
  std::atomic<int> calls{0};
  TelemetryHub hub(cfg);
  hub.add_callback([](const TelemetryEvent&) { throw std::runtime_error("boom"); },
                   TelemetryOrigin::kLocal);
  hub.add_callback([&](const TelemetryEvent&) { ++calls; }, TelemetryOrigin::kLocal);
  hub.start(wiring(sink));
  hub.report(member_dead("x"));
  REQUIRE(vsm::test::wait_until([&] { return calls.load() == 1; }));
  hub.stop();
  CHECK(hub.stats().callback_errors == 1);
}
