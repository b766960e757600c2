#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include <zmq.hpp>

#include "alg_fixture.hpp"
#include "vsm/control_client.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::alg_config;
using vsm::test::wait_report;
using vsm::test::wait_until;

namespace {

struct Received {
  std::mutex mu;
  std::vector<vsm::AlgedonicAlert> alerts;
  std::size_t size() {
    std::lock_guard l(mu);
    return alerts.size();
  }
};

}  // namespace

TEST_CASE("an alert reaches the receiver exactly once over both paths", "[algedonic]") {
  vsm::Node s5(alg_config("s5.policy", vsm::Role::kS5));
  REQUIRE(s5.start().ok());
  REQUIRE_FALSE(s5.dish_endpoint().empty());
  auto cfg = alg_config("s1.ops", vsm::Role::kS1);
  cfg.dish_peers = {s5.dish_endpoint()};
  vsm::Node s1(cfg);
  REQUIRE(s1.start().ok());
  Received got;
  s5.on_algedonic([&](const vsm::AlgedonicAlert& a) {
    std::lock_guard l(got.mu);
    got.alerts.push_back(a);
  });
  auto sub = s5.subscribe(vsm::Filter::on(vsm::Channel::kAlgedonic)).value();
  REQUIRE(s5.connect(s1.endpoints().front()).ok());
  REQUIRE(s1.wait_for_subscribers(1, 10s));

  auto r = s1.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain, "pump 3 overheating",
                                {{"temp", 97.5}});
  REQUIRE(r.ok());
  auto report = wait_report(*r);
  REQUIRE(report);
  CHECK(report->id == r->id);
  REQUIRE(report->peers.size() == 1);
  CHECK(report->peers[0].delivered);
  CHECK(report->peers[0].node == "s5.policy");
  CHECK(report->peers[0].attempts >= 1);  // > 1 only if the machine delayed the ack
  CHECK(r->data_plane);
  CHECK(r->seq == 1);

  // Both copies arrived (one delivered, one counted as a duplicate).
  REQUIRE(wait_until([&] { return s5.stats().algedonic.duplicates >= 1; }));
  auto ev = sub.next(5s);
  REQUIRE(ev);
  CHECK(ev->id == r->id);
  CHECK(ev->type == "pain");
  CHECK_FALSE(sub.next(50ms));
  REQUIRE(got.size() == 1);
  CHECK(got.alerts[0].event.id == r->id);
  CHECK(got.alerts[0].severity == vsm::Severity::kCritical);
  CHECK(got.alerts[0].description == "pump 3 overheating");
  CHECK(got.alerts[0].metrics.at("temp") == 97.5);
  auto st = s5.stats().algedonic;
  CHECK(st.received_lane + st.received_data_plane == 1);
  CHECK(wait_until([&] {
    return s5.stats().algedonic.acks_sent == static_cast<std::uint64_t>(report->peers[0].attempts);
  }));
  auto ss = s1.stats().algedonic;
  CHECK(ss.raised == 1);
  CHECK(ss.confirmed == 1);
  CHECK(ss.confirmation_rate == 1.0);
}

TEST_CASE("with the first two datagrams lost, retries still deliver", "[algedonic]") {
  auto s5cfg = alg_config("s5.policy", vsm::Role::kS5);
  s5cfg.chaos.enabled = true;  // built-in fault injection loses the first two datagrams
  s5cfg.control_bind = "tcp://127.0.0.1:*";
  vsm::Node s5(s5cfg);
  REQUIRE(s5.start().ok());
  vsm::ControlClient control(s5.control_endpoint(), 5s);
  REQUIRE(control.chaos({{"action", "drop"}, {"plane", "algedonic"}, {"peer", "s1.ops"},
                         {"count", "2"}}).ok());
  std::atomic<int> callbacks{0};
  s5.on_algedonic([&](const vsm::AlgedonicAlert&) { ++callbacks; });
  auto cfg = alg_config("s1.ops", vsm::Role::kS1);
  cfg.dish_peers = {s5.dish_endpoint()};
  vsm::Node s1(cfg);
  REQUIRE(s1.start().ok());
  auto r = s1.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "lossy link");
  REQUIRE(r.ok());
  auto report = wait_report(*r);
  REQUIRE(report);
  REQUIRE(report->peers.size() == 1);
  CHECK(report->peers[0].delivered);
  CHECK(report->peers[0].attempts >= 3);
  auto st = s1.stats().algedonic;
  CHECK(st.retries >= 2);
  const auto lane = static_cast<std::size_t>(vsm::ChaosPlane::kAlgedonic);
  CHECK(s5.stats().variety.chaos[lane].dropped == 2);
  REQUIRE(wait_until([&] { return callbacks.load() == 1; }));
}

TEST_CASE("with the receiver gone, the report says unconfirmed after 3 retries", "[algedonic]") {
  std::string gone;
  {
    vsm::Node s5(alg_config("s5.gone", vsm::Role::kS5));
    REQUIRE(s5.start().ok());
    gone = s5.dish_endpoint();
  }
  auto cfg = alg_config("s1.ops", vsm::Role::kS1);
  cfg.dish_peers = {gone};
  cfg.algedonic_retry_initial_ms = 10;
  vsm::Node s1(cfg);
  REQUIRE(s1.start().ok());
  auto r = s1.publish_algedonic(vsm::Severity::kEmergency, vsm::Signal::kPain, "nobody home");
  REQUIRE(r.ok());
  auto report = wait_report(*r);
  REQUIRE(report);
  REQUIRE(report->peers.size() == 1);
  CHECK_FALSE(report->peers[0].delivered);
  CHECK(report->peers[0].attempts == 4);
  CHECK(report->peers[0].node.empty());
  auto st = s1.stats().algedonic;
  CHECK(st.unconfirmed == 1);
  CHECK(st.retries == 3);
  CHECK(st.confirmation_rate == 0.0);
}

TEST_CASE("an alert larger than one datagram is rejected with kTooLarge", "[algedonic]") {
  vsm::Node s1(alg_config("s1.ops", vsm::Role::kS1));
  REQUIRE(s1.start().ok());
  auto r = s1.publish_algedonic(vsm::Severity::kLow, vsm::Signal::kPain, std::string(9000, 'x'));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == vsm::ErrorCode::kTooLarge);
  CHECK(s1.stats().algedonic.rejected_too_large == 1);
  CHECK(s1.stats().of(vsm::Channel::kAlgedonic).published == 0);
  CHECK(s1.publish_algedonic(vsm::Severity::kLow, vsm::Signal::kPleasure, std::string(4000, 'x')).ok());
}

TEST_CASE("anyone may raise an alert, and it is counted once by the flow rules", "[algedonic]") {
  vsm::Node s5(alg_config("s5.policy", vsm::Role::kS5));
  REQUIRE(s5.start().ok());
  REQUIRE(s5.publish_algedonic(vsm::Severity::kLow, vsm::Signal::kPain, "x").ok());
  CHECK(s5.stats().of(vsm::Channel::kAlgedonic).routed == 1);
  CHECK(s5.stats().of(vsm::Channel::kAlgedonic).blocked == 0);
}

TEST_CASE("garbage datagrams are counted and dropped, then alerts still flow", "[algedonic]") {
  vsm::Node s5(alg_config("s5.policy", vsm::Role::kS5));
  REQUIRE(s5.start().ok());
  std::atomic<int> callbacks{0};
  s5.on_algedonic([&](const vsm::AlgedonicAlert&) { ++callbacks; });
  {
    zmq::context_t ctx;
    zmq::socket_t radio(ctx, zmq::socket_type::radio);
    radio.set(zmq::sockopt::linger, 1000);
    radio.connect(s5.dish_endpoint());
    const std::vector<std::string> junk = {"", "x", "VA", std::string("VA\x01\x01\x00", 5),
                                           std::string("VA\x01\x01\x00\x95\xa1", 7),
                                           std::string("VA\x01\x02\x01", 5) + std::string(60, 'z'),
                                           std::string(7000, '\xff')};
    for (const auto& j : junk) {
      for (const char* group : {"alg", "ack"}) {
        zmq::message_t m(j.data(), j.size());
        m.set_group(group);
        REQUIRE(radio.send(m, zmq::send_flags::none));
      }
    }
    const std::uint64_t expected = junk.size() * 2;
    REQUIRE(wait_until([&] {
      auto st = s5.stats().algedonic;
      return st.malformed_dropped + st.auth_dropped == expected;
    }));
  }
  auto cfg = alg_config("s1.ops", vsm::Role::kS1);
  cfg.dish_peers = {s5.dish_endpoint()};
  vsm::Node s1(cfg);
  REQUIRE(s1.start().ok());
  auto r = s1.publish_algedonic(vsm::Severity::kMedium, vsm::Signal::kPleasure, "still alive");
  REQUIRE(r.ok());
  auto report = wait_report(*r);
  REQUIRE(report);
  CHECK(report->all_delivered());
  REQUIRE(wait_until([&] { return callbacks.load() == 1; }));
}

TEST_CASE("cluster keys: same key delivers, a foreign key is dropped and counted",
          "[algedonic][security]") {
  auto rcfg = alg_config("s5.policy", vsm::Role::kS5);
  rcfg.cluster_key = std::string(64, '1');
  vsm::Node s5(rcfg);
  REQUIRE(s5.start().ok());
  std::atomic<int> callbacks{0};
  s5.on_algedonic([&](const vsm::AlgedonicAlert&) { ++callbacks; });

  auto good = alg_config("s1.good", vsm::Role::kS1);
  good.dish_peers = {s5.dish_endpoint()};
  good.cluster_key = std::string(64, '1');
  vsm::Node s1(good);
  REQUIRE(s1.start().ok());
  auto ok = s1.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "sealed");
  REQUIRE(ok.ok());
  auto ok_report = wait_report(*ok);
  REQUIRE(ok_report);
  CHECK(ok_report->all_delivered());

  auto bad = alg_config("s1.bad", vsm::Role::kS1);
  bad.dish_peers = {s5.dish_endpoint()};
  bad.cluster_key = std::string(64, '2');
  bad.algedonic_retry_initial_ms = 10;
  vsm::Node intruder(bad);
  REQUIRE(intruder.start().ok());
  auto no = intruder.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "foreign");
  REQUIRE(no.ok());
  auto no_report = wait_report(*no);
  REQUIRE(no_report);
  CHECK_FALSE(no_report->peers[0].delivered);
  CHECK(wait_until([&] { return s5.stats().algedonic.auth_dropped == 4; }));  // 1 + 3 retries
  CHECK(callbacks.load() == 1);

  auto badkey = alg_config("s1.typo", vsm::Role::kS1);
  badkey.cluster_key = "not-hex";
  vsm::Node typo(badkey);
  auto st = typo.start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == vsm::ErrorCode::kInvalid);
}

TEST_CASE("algedonic peers can be added and removed at run time", "[algedonic]") {
  vsm::Node s5(alg_config("s5.policy", vsm::Role::kS5));
  REQUIRE(s5.start().ok());
  vsm::Node s1(alg_config("s1.ops", vsm::Role::kS1));
  REQUIRE(s1.start().ok());
  CHECK(s1.add_algedonic_peer("tcp://127.0.0.1:1").error().code() == vsm::ErrorCode::kInvalid);
  REQUIRE(s1.add_algedonic_peer(s5.dish_endpoint()).ok());
  REQUIRE(s1.add_algedonic_peer(s5.dish_endpoint()).ok());  // idempotent
  CHECK(s1.algedonic_peers() == std::vector<std::string>{s5.dish_endpoint()});
  auto r = s1.publish_algedonic(vsm::Severity::kLow, vsm::Signal::kPleasure, "dynamic");
  REQUIRE(r.ok());
  auto report = wait_report(*r);
  REQUIRE(report);
  CHECK(report->all_delivered());
  REQUIRE(s1.remove_algedonic_peer(s5.dish_endpoint()).ok());
  CHECK(s1.remove_algedonic_peer(s5.dish_endpoint()).error().code() == vsm::ErrorCode::kNotFound);
  auto r2 = s1.publish_algedonic(vsm::Severity::kLow, vsm::Signal::kPleasure, "no peers");
  REQUIRE(r2.ok());
  auto report2 = wait_report(*r2);
  REQUIRE(report2);
  CHECK(report2->peers.empty());
}
