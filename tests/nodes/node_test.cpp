#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

TEST_CASE("events flow from publisher to subscriber in order", "[node]") {
  vsm::test::PubSubPair p(node_config("s3.control", vsm::Role::kS3),
                          node_config("s1.ops", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));

  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) {
    auto r = p.pub.publish(make_event(vsm::Channel::kCommand, "work_order", i));
    REQUIRE(r.ok());
    CHECK(r->seq == static_cast<std::uint64_t>(i + 1));
    CHECK_FALSE(r->id.is_nil());
  }
  for (int i = 0; i < kCount; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e.has_value());
    CHECK(vsm::unpack_value<int>(e->payload).value() == i);
    CHECK(e->seq == static_cast<std::uint64_t>(i + 1));
    CHECK(e->source == "s3.control");
    CHECK(e->ts.node == "s3.control");
  }
  CHECK_FALSE(sub.next(50ms).has_value());
  auto ps = p.pub.stats();
  CHECK(ps.of(vsm::Channel::kCommand).published == kCount);
  CHECK(vsm::test::wait_until([&] { return p.pub.stats().of(vsm::Channel::kCommand).sent == kCount; }));
  auto ss = p.sub.stats();
  CHECK(ss.of(vsm::Channel::kCommand).received == kCount);
  CHECK(ss.of(vsm::Channel::kCommand).delivered == kCount);
  CHECK(ss.of(vsm::Channel::kCommand).dropped == 0);
  CHECK(ss.gap_events == 0);
}

TEST_CASE("next_into delivers the same events into one reused Event", "[node]") {
  vsm::test::PubSubPair p(node_config("s3.control", vsm::Role::kS3),
                          node_config("s1.ops", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  constexpr int kCount = 3000;
  for (int i = 0; i < kCount; ++i) {
    auto e = make_event(vsm::Channel::kCommand, "work_order", i);
    if (i % 3 == 0) e.correlation_id = "corr-" + std::to_string(i);  // set on some only
    REQUIRE(p.pub.publish(std::move(e)).ok());
  }
  vsm::Event e;
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(sub.next_into(e, 10s));
    CHECK(vsm::unpack_value<int>(e.payload).value() == i);
    CHECK(e.seq == static_cast<std::uint64_t>(i + 1));
    CHECK(e.source == "s3.control");
    CHECK(e.correlation_id == (i % 3 == 0 ? "corr-" + std::to_string(i) : std::string()));
  }
  const auto seq = e.seq;
  CHECK_FALSE(sub.next_into(e, 50ms));
  CHECK(e.seq == seq);  // untouched on timeout
  CHECK(sub.delivered() == kCount);
}

TEST_CASE("publish_from sends one reused Event again and again, each with a fresh id",
          "[node]") {
  vsm::test::PubSubPair p(node_config("s3.control", vsm::Role::kS3),
                          node_config("s1.ops", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  vsm::Event out;
  out.channel = vsm::Channel::kCommand;
  out.type = "work_order";
  constexpr int kCount = 3000;
  std::set<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    out.payload = vsm::pack_value(i);
    auto r = p.pub.publish_from(out);
    REQUIRE(r.ok());
    CHECK(r->seq == static_cast<std::uint64_t>(i + 1));
    CHECK(out.id.is_nil());  // the receipt took it: the next publish gets a fresh one
    CHECK(out.type == "work_order");  // the rest of the event is left for the next one
    ids.insert(r->id.to_string());
  }
  CHECK(ids.size() == kCount);
  std::set<std::string> seen;
  for (int i = 0; i < kCount; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e.has_value());
    CHECK(vsm::unpack_value<int>(e->payload).value() == i);
    CHECK(e->source == "s3.control");
    seen.insert(e->id.to_string());
  }
  CHECK(seen == ids);
}

TEST_CASE("concurrent publishers: wire order is seq order with inline sends", "[node]") {
  vsm::test::PubSubPair p(node_config("s3.control", vsm::Role::kS3),
                          node_config("s1.ops", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::atomic<int> failed{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          // QueueFull is possible when the reactor holds the socket: retry (bounded).
          bool ok = false;
          for (int attempt = 0; attempt < 100'000 && !ok; ++attempt) {
            auto r = p.pub.publish(make_event(vsm::Channel::kCommand, "t", t * kEach + i));
            ok = r.ok();
            if (!ok && r.error().code() != vsm::ErrorCode::kQueueFull) break;
            if (!ok) std::this_thread::yield();
          }
          if (!ok) failed.fetch_add(1);
        }
      });
    }
  }
  REQUIRE(failed == 0);
  vsm::Event e;
  for (int i = 0; i < kThreads * kEach; ++i) {
    REQUIRE(sub.next_into(e, 10s));
    REQUIRE(e.seq == static_cast<std::uint64_t>(i + 1));  // no reordering, no gap
  }
  CHECK(p.sub.stats().gap_events == 0);
}

TEST_CASE("subscribers joining while a thread publishes inline are seen", "[node]") {
  // Inline sends process the XPUB's commands on the publishing thread, which can eat
  // the ZMQ_FD wake-up of a subscription message; the reactor must still see joiners.
  vsm::Node pub(node_config("s3.busy", vsm::Role::kS3));
  REQUIRE(pub.start().ok());
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> published{0};
  std::jthread blaster([&] {
    for (int i = 0; i < 50'000'000 && !stop; ++i) {
      if (pub.publish(make_event(vsm::Channel::kCommand, "t", i))) published.fetch_add(1);
    }
  });
  REQUIRE(vsm::test::wait_until([&] { return published.load() > 1'000; }));
  constexpr int kJoiners = 3;
  std::vector<std::unique_ptr<vsm::Node>> subs;
  std::vector<vsm::Subscription> handles;
  for (int k = 0; k < kJoiners; ++k) {
    auto cfg = node_config("s1.join-" + std::to_string(k), vsm::Role::kS1);
    cfg.peers = pub.endpoints();
    subs.push_back(std::make_unique<vsm::Node>(cfg));
    REQUIRE(subs.back()->start().ok());
    handles.push_back(subs.back()->subscribe(vsm::Filter::on(vsm::Channel::kCommand)).value());
    CHECK(pub.wait_for_subscribers(static_cast<std::size_t>(k + 1), 10s));
  }
  // And each joiner receives the stream.
  for (auto& h : handles) CHECK(h.next(10s).has_value());
  stop = true;
}

TEST_CASE("callback subscriptions run on the dispatcher thread", "[node]") {
  vsm::test::PubSubPair p(node_config("s2.coord", vsm::Role::kS2),
                          node_config("s1.ops", vsm::Role::kS1));
  std::atomic<int> seen{0};
  std::atomic<bool> on_other_thread{true};
  const auto caller = std::this_thread::get_id();
  auto sub = p.sub.subscribe(vsm::Filter::on(vsm::Channel::kCoordination),
                             [&](const vsm::Event&) {
                               if (std::this_thread::get_id() == caller) on_other_thread = false;
                               ++seen;
                             })
                 .value();
  REQUIRE(p.pub.wait_for_subscribers(1, 10s));
  for (int i = 0; i < 100; ++i) {
    REQUIRE(p.pub.publish(make_event(vsm::Channel::kCoordination, "sync", i)).ok());
  }
  REQUIRE(vsm::test::wait_until([&] { return seen.load() == 100; }));
  CHECK(on_other_thread);
  CHECK(sub.delivered() == 100);
}

TEST_CASE("flow rules block events and count them", "[node][flow]") {
  vsm::Node s1(node_config("s1.ops", vsm::Role::kS1));
  REQUIRE(s1.start().ok());
  auto r = s1.publish(make_event(vsm::Channel::kCommand, "order", 1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == vsm::ErrorCode::kBlocked);
  CHECK(r.error().message().find("command") != std::string::npos);
  CHECK(s1.stats().of(vsm::Channel::kCommand).blocked == 1);
  CHECK(s1.publish(make_event(vsm::Channel::kAlgedonic, "pain", 1)).ok());
  CHECK(s1.stats().of(vsm::Channel::kAlgedonic).routed == 1);

  auto cfg = node_config("s1.free", vsm::Role::kS1);
  cfg.validate_flow = false;
  vsm::Node free(cfg);
  REQUIRE(free.start().ok());
  CHECK(free.publish(make_event(vsm::Channel::kCommand, "order", 1)).ok());
}

TEST_CASE("invalid events and configs are rejected with clear errors", "[node]") {
  vsm::Node n(node_config("s3.x", vsm::Role::kS3));
  REQUIRE(n.start().ok());
  vsm::Event no_type;
  no_type.channel = vsm::Channel::kCommand;
  auto r = n.publish(no_type);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == vsm::ErrorCode::kInvalid);

  vsm::Event bad_source = make_event(vsm::Channel::kCommand, "t", 1);
  bad_source.source = "a/b";
  CHECK(n.publish(bad_source).error().code() == vsm::ErrorCode::kInvalid);

  vsm::Event big = make_event(vsm::Channel::kCommand, "t", 1);
  big.payload = vsm::pack_value(std::string(2 << 20, 'x'));
  CHECK(n.publish(big).error().code() == vsm::ErrorCode::kTooLarge);

  vsm::Node unnamed(node_config("", vsm::Role::kS1));
  CHECK(unnamed.start().error().code() == vsm::ErrorCode::kInvalid);

  auto taken = node_config("dup", vsm::Role::kS1);
  taken.pub_bind = n.endpoints();
  vsm::Node clash(taken);
  auto st = clash.start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == vsm::ErrorCode::kIo);
}

TEST_CASE("publish returns QueueFull when the queue is at capacity", "[node]") {
  auto cfg = node_config("s3.q", vsm::Role::kS3);
  cfg.publish_queue_capacity = 1;
  cfg.publish_inline = false;  // every event goes through the queue
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  int full = 0;
  for (int i = 0; i < 20000 && full == 0; ++i) {
    auto r = n.publish(make_event(vsm::Channel::kCommand, "t", i));
    if (!r) {
      REQUIRE(r.error().code() == vsm::ErrorCode::kQueueFull);
      ++full;
    }
  }
  CHECK(full == 1);
  CHECK(n.stats().publish_queue_full == 1);
}

TEST_CASE("a subscriber detects events lost in transit as gaps", "[node]") {
  // A subscriber queue of 1 with drop-newest loses events locally; the transport gap
  // counter must stay 0 (nothing lost on the wire) while the drop counter moves.
  vsm::test::PubSubPair p(node_config("s3.g", vsm::Role::kS3), node_config("s1.g", vsm::Role::kS1));
  vsm::SubscribeOptions opts;
  opts.queue_capacity = 1;
  opts.overflow = vsm::OverflowPolicy::kDropNewest;
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand), opts);
  for (int i = 0; i < 10; ++i) REQUIRE(p.pub.publish(make_event(vsm::Channel::kCommand, "t", i)).ok());
  REQUIRE(vsm::test::wait_until([&] { return p.sub.stats().of(vsm::Channel::kCommand).received == 10; }));
  CHECK(sub.dropped() == 9);
  CHECK(p.sub.stats().of(vsm::Channel::kCommand).dropped == 9);
  CHECK(p.sub.stats().gap_events == 0);
  auto first = sub.next(1s);
  REQUIRE(first);
  CHECK(vsm::unpack_value<int>(first->payload).value() == 0);
}
