#include <catch2/catch.hpp>

#include "algedonic/alert_tracker.hpp"

#include "test_ids.hpp"

using namespace std::chrono_literals;
using vsm::DeliveryReport;
using vsm::detail::AlertTracker;
using vsm::detail::RetryPolicy;

namespace {
struct Sent {
  std::string peer;
  int attempt;
};

struct Harness {
  AlertTracker tracker{RetryPolicy{3, 10, 1000, 0}, 42};
  AlertTracker::TimePoint now{};
  std::vector<Sent> sent;
  void advance(std::chrono::milliseconds by = 0ms) {
    now += by;
    tracker.advance(now, [&](const vsm::EventId&, const std::string&, const std::string& peer,
                             int attempt) { sent.push_back({peer, attempt}); });
  }
};
}  // namespace

TEST_CASE("first sends go out at once and an ack settles the peer", "[algedonic][tracker]") {
  Harness h;
  std::promise<DeliveryReport> p;
  auto f = p.get_future();
  h.tracker.add(vsm::test::id_for(1), "env", {"udp://a:1", "udp://b:2"}, std::move(p), h.now);
  h.advance();
  REQUIRE(h.sent.size() == 2);
  CHECK(h.sent[0].attempt == 0);
  auto lat = h.tracker.on_ack(vsm::test::id_for(1), "udp://a:1", "s5", h.now + 3ms);
  REQUIRE(lat);
  CHECK(*lat == 3ms);
  CHECK_FALSE(h.tracker.on_ack(vsm::test::id_for(1), "udp://a:1", "s5", h.now + 4ms));  // duplicate ack
  CHECK(h.tracker.on_ack(vsm::test::id_for(1), "udp://b:2", "s3", h.now + 5ms));
  REQUIRE(f.wait_for(0s) == std::future_status::ready);
  auto r = f.get();
  CHECK(r.all_delivered());
  CHECK(r.peers[0].node == "s5");
  CHECK(r.peers[1].attempts == 1);
  CHECK(h.tracker.pending() == 0);
}

TEST_CASE("unacknowledged peers get 3 retries with doubling waits, then unconfirmed",
          "[algedonic][tracker]") {
  Harness h;
  std::promise<DeliveryReport> p;
  auto f = p.get_future();
  h.tracker.add(vsm::test::id_for(2), "env", {"udp://a:1"}, std::move(p), h.now);
  h.advance();
  CHECK(*h.tracker.next_deadline() - h.now == 10ms);
  h.advance(9ms);
  CHECK(h.sent.size() == 1);
  h.advance(1ms);
  CHECK(h.sent.size() == 2);  // retry 1 after 10 ms
  h.advance(20ms);
  CHECK(h.sent.size() == 3);  // retry 2 after 20 ms
  h.advance(40ms);
  CHECK(h.sent.size() == 4);  // retry 3 after 40 ms
  CHECK(h.sent.back().attempt == 3);
  h.advance(79ms);
  CHECK(f.wait_for(0s) == std::future_status::timeout);
  h.advance(1ms);
  REQUIRE(f.wait_for(0s) == std::future_status::ready);
  auto r = f.get();
  CHECK_FALSE(r.peers[0].delivered);
  CHECK(r.peers[0].attempts == 4);
  CHECK(h.tracker.unconfirmed() == 1);
  CHECK(h.tracker.retries() == 3);
}

TEST_CASE("an ack after retries reports the attempts; no peers resolves at once",
          "[algedonic][tracker]") {
  Harness h;
  std::promise<DeliveryReport> p;
  auto f = p.get_future();
  h.tracker.add(vsm::test::id_for(3), "env", {"udp://a:1"}, std::move(p), h.now);
  h.advance();
  h.advance(10ms);
  h.advance(20ms);
  CHECK(h.tracker.on_ack(vsm::test::id_for(3), "udp://a:1", "s5", h.now + 1ms));
  auto r = f.get();
  CHECK(r.peers[0].delivered);
  CHECK(r.peers[0].attempts == 3);
  CHECK(r.peers[0].latency == 31ms);

  std::promise<DeliveryReport> none;
  auto nf = none.get_future();
  h.tracker.add(vsm::test::id_for(4), "env", {}, std::move(none), h.now);
  REQUIRE(nf.wait_for(0s) == std::future_status::ready);
  CHECK(nf.get().peers.empty());
}

TEST_CASE("jitter stays within bounds and close() resolves pending reports", "[algedonic][tracker]") {
  AlertTracker t(RetryPolicy{3, 100, 1000, 20}, 7);
  AlertTracker::TimePoint now{};
  std::promise<DeliveryReport> p;
  auto f = p.get_future();
  t.add(vsm::test::id_for(5), "env", {"udp://a:1"}, std::move(p), now);
  t.advance(now, [](auto&, auto&, auto&, int) {});
  auto wait = *t.next_deadline() - now;
  CHECK(wait >= 80ms);
  CHECK(wait <= 120ms);
  t.close();
  auto r = f.get();
  CHECK(r.closed);
  CHECK_FALSE(r.peers[0].delivered);
}
