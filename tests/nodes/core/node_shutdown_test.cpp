#include <catch2/catch.hpp>

#include <thread>

#include "node_fixture.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

TEST_CASE("close wakes a blocked next() and refuses new work", "[node][shutdown]") {
  vsm::Node n(node_config("s1.c", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  auto sub = n.subscribe(vsm::Filter::all()).value();
  std::optional<vsm::Event> got;
  std::thread waiter([&] { got = sub.next(30s); });
  const auto t0 = std::chrono::steady_clock::now();
  n.stop();
  waiter.join();
  CHECK_FALSE(got.has_value());
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  auto r = n.publish(make_event(vsm::Channel::kAlgedonic, "pain", 1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == vsm::ErrorCode::kShuttingDown);
  CHECK(n.subscribe(vsm::Filter::all()).error().code() == vsm::ErrorCode::kShuttingDown);
  n.stop();  // idempotent
}

TEST_CASE("subscriptions outliving their node are safe", "[node][shutdown]") {
  vsm::Subscription sub;
  {
    vsm::Node n(node_config("s1.d", vsm::Role::kS1));
    REQUIRE(n.start().ok());
    sub = n.subscribe(vsm::Filter::all()).value();
  }
  CHECK_FALSE(sub.next(10ms).has_value());
  sub.close();
}

TEST_CASE("closing a subscription stops delivery to it", "[node][shutdown]") {
  vsm::test::PubSubPair p(node_config("s3.u", vsm::Role::kS3), node_config("s1.u", vsm::Role::kS1));
  auto keep = p.sub.subscribe(vsm::Filter::on(vsm::Channel::kCommand)).value();
  auto gone = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  gone.close();
  REQUIRE(p.pub.publish(make_event(vsm::Channel::kCommand, "t", 1)).ok());
  REQUIRE(keep.next(10s).has_value());
  CHECK(gone.delivered() == 0);
  CHECK_FALSE(gone.next(10ms).has_value());
}

TEST_CASE("queued events are flushed on stop", "[node][shutdown]") {
  vsm::test::PubSubPair p(node_config("s3.f", vsm::Role::kS3), node_config("s1.f", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  for (int i = 0; i < 1000; ++i) REQUIRE(p.pub.publish(make_event(vsm::Channel::kCommand, "t", i)).ok());
  p.pub.stop();
  for (int i = 0; i < 1000; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e);
    CHECK(vsm::unpack_value<int>(e->payload).value() == i);
  }
}
