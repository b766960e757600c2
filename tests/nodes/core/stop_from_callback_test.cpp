// Node::stop() and ~Node called from the node's own callback threads (issue #13): the
// call returns, the node stops, and nothing deadlocks or touches freed memory.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <memory>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

TEST_CASE("stop() from a subscription callback stops the node", "[node][shutdown]") {
  vsm::Node n(node_config("s1.cbstop", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  std::promise<void> stopped;
  std::atomic<int> calls{0};
  auto sub = n.subscribe(vsm::Filter::on(vsm::Channel::kCoordination), [&](const vsm::Event&) {
    if (calls.fetch_add(1) == 0) {
      n.stop();  // on the dispatcher thread: joins the others, not itself
      stopped.set_value();
    }
  });
  REQUIRE(sub.ok());
  // Loop back: the node subscribes to itself.
  REQUIRE(n.connect(n.endpoints().front()).ok());
  REQUIRE(n.wait_for_subscribers(1, 10s));
  REQUIRE(n.publish(make_event(vsm::Channel::kCoordination, "t", 1)).ok());
  REQUIRE(stopped.get_future().wait_for(20s) == std::future_status::ready);
  auto r = n.publish(make_event(vsm::Channel::kCoordination, "t", 2));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == vsm::ErrorCode::kShuttingDown);
  n.stop();  // from this thread: joins the dispatcher too
}

TEST_CASE("a Node destroyed from its own callback shuts down safely", "[node][shutdown]") {
  auto node = std::make_unique<vsm::Node>(node_config("s1.cbdel", vsm::Role::kS1));
  vsm::Node* raw = node.get();  // the test thread's handle: not the unique_ptr
  REQUIRE(raw->start().ok());
  // The callback destroys the node only after this thread is done with it (a visible
  // happens-before edge: the delivery itself travels through sockets).
  std::promise<void> published;
  std::shared_future<void> published_f = published.get_future().share();
  std::promise<void> destroyed;
  auto sub = raw->subscribe(vsm::Filter::on(vsm::Channel::kCoordination),
                            [&, published_f](const vsm::Event&) {
                              if (!node) return;
                              if (published_f.wait_for(20s) != std::future_status::ready) return;
                              node.reset();  // ~Node on the dispatcher thread
                              destroyed.set_value();
                            });
  REQUIRE(sub.ok());
  REQUIRE(raw->connect(raw->endpoints().front()).ok());
  REQUIRE(raw->wait_for_subscribers(1, 10s));
  REQUIRE(raw->publish(make_event(vsm::Channel::kCoordination, "t", 1)).ok());
  published.set_value();
  REQUIRE(destroyed.get_future().wait_for(20s) == std::future_status::ready);
  // The subscription handle outlives its node and stays safe.
  CHECK_FALSE(sub->next(10ms).has_value());
}

TEST_CASE("stop() from an on_algedonic callback stops the node", "[node][shutdown][algedonic]") {
  auto cfg = node_config("s5.algstop", vsm::Role::kS5);
  vsm::Node receiver(cfg);
  REQUIRE(receiver.start().ok());
  std::promise<void> stopped;
  std::atomic<int> calls{0};
  receiver.on_algedonic([&](const vsm::AlgedonicAlert&) {
    if (calls.fetch_add(1) == 0) {
      receiver.stop();  // on the algedonic lane thread
      stopped.set_value();
    }
  });
  vsm::Node sender(node_config("s1.algsend", vsm::Role::kS1));
  REQUIRE(sender.start().ok());
  REQUIRE(sender.add_algedonic_peer(receiver.dish_endpoint()).ok());
  REQUIRE(sender.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "test").ok());
  REQUIRE(stopped.get_future().wait_for(20s) == std::future_status::ready);
  receiver.stop();
}
