// Adaptive batching (docs/PROTOCOL.md §1.10, NodeConfig::publish_inline_idle_us): a
// backlog goes out in batch frames, an isolated event at once in its own frame;
// receivers unpack batches transparently, filter inside them, and count events.
#include <catch2/catch.hpp>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

namespace {
vsm::NodeConfig streaming_publisher(std::string name) {
  auto cfg = node_config(std::move(name), vsm::Role::kS3);
  cfg.publish_inline = false;  // every event through the sender: a burst is a backlog
  cfg.publish_batch_max_events = 16;
  cfg.publish_queue_capacity = 100'000;
  return cfg;
}
}  // namespace

TEST_CASE("a backlog goes out in batch frames; receivers count and filter events",
          "[node][batch]") {
  vsm::test::PubSubPair p(streaming_publisher("s3.batch"), node_config("s1.batch", vsm::Role::kS1));
  auto all = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  // A filter the topic prefix cannot express: applied to each event inside a batch.
  vsm::Filter odd = vsm::Filter::on(vsm::Channel::kCommand);
  odd.predicate = [](const vsm::Event& e) { return vsm::unpack_value<int>(e.payload).value() % 2 == 1; };
  auto odds = p.sub.subscribe(odd).value();
  REQUIRE(p.pub.wait_for_subscribers(1, 10s));
  constexpr int kCount = 20'000;
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(p.pub.publish(make_event(vsm::Channel::kCommand, "t", i)).ok());
  }
  for (int i = 0; i < kCount; ++i) {
    auto e = all.next(10s);
    REQUIRE(e);
    REQUIRE(vsm::unpack_value<int>(e->payload).value() == i);
    REQUIRE(e->seq == static_cast<std::uint64_t>(i + 1));
  }
  for (int i = 1; i < kCount; i += 2) {
    auto e = odds.next(10s);
    REQUIRE(e);
    REQUIRE(vsm::unpack_value<int>(e->payload).value() == i);
  }
  const auto ps = p.pub.stats();
  const auto ss = p.sub.stats();
  CHECK(ps.batches_sent > 0);                                    // some went out batched
  CHECK(ps.batches_sent <= static_cast<std::uint64_t>(kCount) / 2);
  CHECK(ps.of(vsm::Channel::kCommand).sent == kCount);           // counters count events
  CHECK(ss.of(vsm::Channel::kCommand).received == kCount);
  CHECK(ss.decode_errors == 0);
  CHECK(ss.gap_events == 0);
}

TEST_CASE("an isolated event goes out at once, in its own frame", "[node][batch]") {
  auto cfg = node_config("s3.idle", vsm::Role::kS3);
  cfg.publish_inline_idle_us = 1'000;
  vsm::test::PubSubPair p(cfg, node_config("s1.idle", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  for (int i = 0; i < 5; ++i) {
    // Each waits for the previous delivery: the stream is idle between events.
    REQUIRE(p.pub.publish(make_event(vsm::Channel::kCommand, "t", i)).ok());
    auto e = sub.next(10s);
    REQUIRE(e);
    CHECK(vsm::unpack_value<int>(e->payload).value() == i);
  }
  CHECK(p.pub.stats().batches_sent == 0);
}

TEST_CASE("batches keep to their byte limit and one topic per frame", "[node][batch]") {
  auto cfg = streaming_publisher("s3.bytes");
  cfg.publish_batch_max_bytes = 1'024;  // a few 100 B events per frame
  cfg.publish_batch_max_events = 1'024;
  vsm::test::PubSubPair p(cfg, node_config("s1.bytes", vsm::Role::kS1));
  auto sub = p.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  constexpr int kCount = 3'000;
  for (int i = 0; i < kCount; ++i) {
    auto e = make_event(vsm::Channel::kCommand, i % 3 == 0 ? "a" : "b", i);  // mixed topics
    e.payload = vsm::pack_value(std::string(100, static_cast<char>('a' + i % 26)));
    REQUIRE(p.pub.publish(std::move(e)).ok());
  }
  for (int i = 0; i < kCount; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e);
    REQUIRE(e->seq == static_cast<std::uint64_t>(i + 1));
    REQUIRE(e->type == (i % 3 == 0 ? "a" : "b"));
  }
  CHECK(p.sub.stats().decode_errors == 0);
}
