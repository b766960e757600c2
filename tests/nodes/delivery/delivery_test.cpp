// Delivery modes, overflow policies, duplicate suppression and quotas between two
// in-process nodes over tcp loopback (the multi-process loss tests live in
// tests/integration/delivery_modes_test.cpp).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "node_fixture.hpp"
#include "vsm/control_client.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::Channel;
using vsm::DeliveryMode;
using vsm::test::make_event;
using vsm::test::node_config;
using vsm::test::PubSubPair;

namespace {
int index_of(const vsm::Event& e) { return vsm::unpack_value<int>(e.payload).value_or(-1); }

bool received_all(vsm::Node& n, Channel ch, std::uint64_t count) {
  return vsm::test::wait_until([&] { return n.stats().of(ch).received >= count; }, 30s);
}

// A publisher without a log (its ring of `ring_bytes` is its retention) and a subscriber
// whose acknowledgements by time and by count are out of reach (a minute, a million
// events): after its first one it acknowledges only by bytes (`ack_every_bytes`).
PubSubPair quiet_follower_pair(const std::string& tag, std::size_t ring_bytes,
                               std::uint64_t ack_every_bytes, bool publish_inline) {
  auto pc = node_config("s3." + tag, vsm::Role::kS3);
  pc.replay_ring_bytes_per_channel = ring_bytes;
  pc.publish_inline = publish_inline;
  pc.reliable_ack_timeout_ms = 300'000;
  auto sc = node_config("s1." + tag, vsm::Role::kS1);
  sc.reliable_ack_interval_ms = 60'000;
  sc.reliable_heartbeat_ms = 60'000;
  sc.reliable_ack_timeout_ms = 300'000;
  sc.reliable_ack_every_events = 1'000'000;
  sc.reliable_ack_every_bytes = ack_every_bytes;
  return PubSubPair(std::move(pc), std::move(sc));
}

// A Reliable subscription on command, once the publisher counts it as a follower.
vsm::Subscription follow(PubSubPair& p) {
  vsm::SubscribeOptions opt;
  opt.mode = DeliveryMode::kReliable;
  opt.queue_capacity = 1'000;
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand), opt);
  REQUIRE(vsm::test::wait_until([&] { return p.pub.stats().reliable_followers == 1; }, 10s));
  return sub;
}
}  // namespace

TEST_CASE("LatestOnly: a stalled subscriber resumes with the last event per topic",
          "[delivery]") {
  PubSubPair p(node_config("s3.latest", vsm::Role::kS3), node_config("s1.latest", vsm::Role::kS1));
  vsm::SubscribeOptions opt;
  opt.mode = DeliveryMode::kLatestOnly;
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand), opt);
  const char* types[] = {"temp", "load", "mode"};
  for (int i = 0; i < 300; ++i) REQUIRE(p.pub.publish(make_event(Channel::kCommand, types[i % 3], i)));
  REQUIRE(received_all(p.sub, Channel::kCommand, 300));  // stalled: nothing consumed yet
  std::map<std::string, int> last;
  while (auto e = sub.next(200ms)) last[e->type] = index_of(*e);
  CHECK(last == std::map<std::string, int>{{"temp", 297}, {"load", 298}, {"mode", 299}});
  CHECK(sub.dropped() == 0);  // superseded, not dropped
}

TEST_CASE("OverflowPolicy::kDeadLetter records overflowed ranges", "[delivery]") {
  PubSubPair p(node_config("s3.ovf", vsm::Role::kS3), node_config("s1.ovf", vsm::Role::kS1));
  vsm::SubscribeOptions opt;
  opt.queue_capacity = 10;
  opt.overflow = vsm::OverflowPolicy::kDeadLetter;
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand), opt);
  for (int i = 0; i < 50; ++i) REQUIRE(p.pub.publish(make_event(Channel::kCommand, "t", i)));
  REQUIRE(received_all(p.sub, Channel::kCommand, 50));
  auto dead = sub.dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].from_seq == 11);
  CHECK(dead[0].to_seq == 50);
  CHECK(dead[0].reason == "subscription queue full");
  CHECK(sub.dropped() == 40);
  for (int i = 0; i < 10; ++i) CHECK(index_of(sub.next(1s).value()) == i);
}

TEST_CASE("Reliable: a full queue pauses the stream instead of dropping", "[delivery]") {
  PubSubPair p(node_config("s3.pause", vsm::Role::kS3), node_config("s1.pause", vsm::Role::kS1));
  vsm::SubscribeOptions opt;
  opt.mode = DeliveryMode::kReliable;
  opt.queue_capacity = 100;
  opt.max_held_events = 500;  // the rest is fetched from the publisher again
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand), opt);
  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(p.pub.publish(make_event(Channel::kCommand, i % 2 ? "odd" : "even", i)));
  }
  REQUIRE(received_all(p.sub, Channel::kCommand, kCount));
  for (int i = 0; i < kCount; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e);
    REQUIRE(index_of(*e) == i);
  }
  CHECK_FALSE(sub.next(100ms));
  CHECK(sub.dropped() == 0);
  CHECK(sub.dead_letters().empty());
  CHECK(p.sub.stats().repaired_events > 0);
}

// Without a log the publisher's ring (here 1 MiB: 64 events of 16 KiB) is its retention,
// and it never evicts what a Reliable follower has not acknowledged. The subscriber's
// time and count triggers are set out of reach (a minute, a million events), so only the
// byte trigger (256 KiB) can keep the publisher going; without it the stream would stall
// at the 64th event until the next heartbeat, a minute later.
TEST_CASE("Reliable: large events are acknowledged by bytes, so a small ring never stalls",
          "[delivery][flow]") {
  PubSubPair p = quiet_follower_pair("bytes", 1u << 20, 256u << 10, true);
  auto sub = follow(p);
  constexpr int kCount = 640;  // 10 MiB: ten rings' worth
  for (int i = 0; i < kCount; ++i) {
    auto e = make_event(Channel::kCommand, "blob", i);
    e.correlation_id = std::to_string(i);
    e.payload = vsm::Value::string(std::string(16u << 10, 'x'));
    REQUIRE(p.pub.publish(std::move(e)));
  }
  REQUIRE(received_all(p.sub, Channel::kCommand, kCount));
  for (int i = 0; i < kCount; ++i) {
    auto e = sub.next(10s);
    REQUIRE(e);
    REQUIRE(e->correlation_id == std::to_string(i));
  }
  CHECK(sub.dropped() == 0);
  CHECK(p.sub.stats().repaired_events == 0);  // nothing was evicted before its ack
}

// Without a log the ring is the publisher's only retention. The follower acknowledges
// once (nothing delivered yet) and then not for a minute, so every event is
// unacknowledged: a burst four times the ring (queued, so the sender commits it in a
// few large batches) must stop where the ring is full, however the batches fall,
// instead of evicting the start of the burst.
TEST_CASE("Reliable without a log: a burst larger than the ring evicts nothing "
          "unacknowledged", "[delivery][flow]") {
  // Every event through the queue (no inline publishing): large batches.
  PubSubPair p = quiet_follower_pair("burst", 64u << 10, ~std::uint64_t{0}, false);
  auto sub = follow(p);
  constexpr int kCount = 256;  // of about 1 KiB: four rings' worth
  for (int i = 0; i < kCount; ++i) {
    auto e = make_event(Channel::kCommand, "chunk", i);
    e.payload = vsm::Value::string(std::string(1000, 'x'));
    REQUIRE(p.pub.publish(std::move(e)));
  }
  REQUIRE(vsm::test::wait_until([&] { return p.pub.stats().reliable_held > 0; }, 10s));
  vsm::ControlClient c(p.pub.control_endpoint());
  auto first = c.replay(Channel::kCommand, 1, 1);
  INFO("acks sent " << p.sub.stats().acks_sent << ", delivered "
       << p.sub.stats().of(Channel::kCommand).delivered << ", repaired "
       << p.sub.stats().repaired_events << ", held " << p.pub.stats().reliable_held);
  REQUIRE(first.ok());
  CHECK(first->oldest == 1);  // nothing unacknowledged was evicted
  REQUIRE(first->events.size() == 1);
  CHECK(first->events.front().seq == 1);
  CHECK(p.pub.stats().reliable_held < static_cast<std::uint64_t>(kCount));
}

TEST_CASE("Reliable: filters apply after sequencing; callbacks see order", "[delivery]") {
  PubSubPair p(node_config("s3.rf", vsm::Role::kS3), node_config("s1.rf", vsm::Role::kS1));
  vsm::SubscribeOptions opt;
  opt.mode = DeliveryMode::kReliable;
  vsm::Filter f = vsm::Filter::on(Channel::kCommand);
  f.type = "odd";
  std::mutex mu;
  std::vector<int> got;
  auto sub = p.sub.subscribe(f, [&](const vsm::Event& e) {
    std::lock_guard lock(mu);
    got.push_back(index_of(e));
  }, opt).value();
  REQUIRE(p.pub.wait_for_subscribers(1, 10s));
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(p.pub.publish(make_event(Channel::kCommand, i % 2 ? "odd" : "even", i)));
  }
  REQUIRE(vsm::test::wait_until([&] {
    std::lock_guard lock(mu);
    return got.size() >= 500;
  }, 30s));
  std::lock_guard lock(mu);
  REQUIRE(got.size() == 500);
  for (int i = 0; i < 500; ++i) CHECK(got[static_cast<std::size_t>(i)] == 2 * i + 1);
}

TEST_CASE("the duplicate window drops an event that arrives over two paths", "[delivery]") {
  auto pc = node_config("s3.twice", vsm::Role::kS3);
  pc.pub_bind = {"tcp://127.0.0.1:*", "tcp://127.0.0.2:*"};
  vsm::Node pub(pc);
  REQUIRE(pub.start());
  REQUIRE(pub.endpoints().size() == 2);
  auto run = [&](std::size_t window) {
    auto sc = node_config("s1.twice", vsm::Role::kS1);
    sc.peers = pub.endpoints();  // both endpoints: every event arrives twice
    sc.dedup_window_ids = window;
    vsm::Node sub(sc);
    REQUIRE(sub.start());
    auto s = sub.subscribe(vsm::Filter::on(Channel::kCommand)).value();
    REQUIRE(pub.wait_for_subscribers(1, 10s));
    // Both connections must carry the subscription: wait until one probe arrives twice.
    auto received = [&] { return sub.stats().of(Channel::kCommand).received; };
    bool both = false;
    for (int attempt = 0; attempt < 100 && !both; ++attempt) {
      const auto before = received();
      REQUIRE(pub.publish(make_event(Channel::kCommand, "probe", attempt)));
      both = vsm::test::wait_until([&] { return received() - before >= 2; }, 200ms);
    }
    REQUIRE(both);
    const auto base = sub.stats().of(Channel::kCommand).received;
    for (int i = 0; i < 100; ++i) REQUIRE(pub.publish(make_event(Channel::kCommand, "t", i)));
    REQUIRE(received_all(sub, Channel::kCommand, base + 200));
    int events = 0;
    while (auto e = s.next(100ms)) events += e->type == "t";
    return std::make_pair(events, sub.stats().duplicates);
  };
  auto [without, dups0] = run(0);
  CHECK(without == 200);
  CHECK(dups0 == 0);
  auto [with, dups] = run(1000);
  CHECK(with == 100);
  CHECK(dups >= 100);
}

TEST_CASE("quotas admit exactly the bucket; algedonic is never limited", "[delivery]") {
  auto c = node_config("s3.quota", vsm::Role::kS3);
  c.quotas_enabled = true;
  c.quotas.burst_ms = 60'000;
  c.quotas.source_rate_per_s["s3.quota"] = 1.0;  // a bucket of 60, refilled 1 per second
  vsm::Node n(c);
  REQUIRE(n.start());
  int admitted = 0;
  int rejected = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = n.publish(make_event(Channel::kCommand, "burst", i));
    if (r) {
      ++admitted;
    } else {
      CHECK(r.error().code() == vsm::ErrorCode::kQuotaExceeded);
      ++rejected;
    }
  }
  CHECK(admitted == 60);
  CHECK(rejected == 40);
  const auto st = n.stats();
  CHECK(st.of(Channel::kCommand).quota_rejected == 40);
  CHECK(st.of(Channel::kCommand).variety_pressure > 0.9);
  for (int i = 0; i < 100; ++i) {
    auto r = n.publish_algedonic(vsm::Severity::kHigh, vsm::Signal::kPain, "load", {});
    CHECK(r);
  }
  CHECK(n.stats().of(Channel::kAlgedonic).quota_rejected == 0);
}

TEST_CASE("quota delay policy paces publishes instead of rejecting", "[delivery]") {
  auto c = node_config("s3.pace", vsm::Role::kS3);
  c.quotas_enabled = true;
  c.quotas.policy = vsm::QuotaPolicy::kDelay;
  c.quotas.burst_ms = 100;
  c.quotas.source_rate_per_s["s3.pace"] = 50.0;  // bucket of 5
  vsm::Node n(c);
  REQUIRE(n.start());
  for (int i = 0; i < 10; ++i) REQUIRE(n.publish(make_event(Channel::kCommand, "paced", i)));
  const auto st = n.stats().of(Channel::kCommand);
  // The first 5 fit the bucket; later ones wait (fewer when a wait overslept on a busy
  // machine and the bucket refilled meanwhile).
  CHECK(st.quota_delayed >= 1);
  CHECK(st.quota_delayed <= 5);
  CHECK(st.quota_rejected == 0);
  CHECK(st.published == 10);
}

TEST_CASE("Reliable late joiner from a time: history after it, then live", "[delivery]") {
  vsm::Node pub(node_config("s3.since", vsm::Role::kS3));
  REQUIRE(pub.start());
  auto wall_ms = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  for (int i = 0; i < 50; ++i) REQUIRE(pub.publish(make_event(Channel::kCommand, "t", i)));
  // A start time strictly after every event so far (HLC wall ms never lags the clock).
  const std::uint64_t since = wall_ms() + 2;
  REQUIRE(vsm::test::wait_until([&] { return wall_ms() > since; }, 5s));
  for (int i = 50; i < 100; ++i) REQUIRE(pub.publish(make_event(Channel::kCommand, "t", i)));

  auto sc = node_config("s1.since", vsm::Role::kS1);
  sc.peers = pub.endpoints();
  vsm::Node sub(sc);
  REQUIRE(sub.start());
  vsm::SubscribeOptions opt;
  opt.mode = DeliveryMode::kReliable;
  opt.start_time_ms = since;
  auto s = sub.subscribe(vsm::Filter::on(Channel::kCommand), opt).value();
  for (int i = 50; i < 100; ++i) {
    auto e = s.next(10s);
    REQUIRE(e);
    REQUIRE(index_of(*e) == i);
  }
  REQUIRE(pub.wait_for_subscribers(1, 10s));
  for (int i = 100; i < 150; ++i) REQUIRE(pub.publish(make_event(Channel::kCommand, "t", i)));
  for (int i = 100; i < 150; ++i) {
    auto e = s.next(10s);
    REQUIRE(e);
    REQUIRE(index_of(*e) == i);
  }
  CHECK(s.dead_letters().empty());
}

TEST_CASE("SubscribeOptions are validated", "[delivery]") {
  vsm::Node n(node_config("s1.opts", vsm::Role::kS1));
  REQUIRE(n.start());
  vsm::SubscribeOptions both;
  both.mode = DeliveryMode::kReliable;
  both.start_seq = 1;
  both.start_time_ms = 1;
  CHECK(n.subscribe(vsm::Filter::on(Channel::kCommand), both).error().code() ==
        vsm::ErrorCode::kInvalid);
  vsm::SubscribeOptions not_reliable;
  not_reliable.start_seq = 5;
  CHECK(n.subscribe(vsm::Filter::on(Channel::kCommand), not_reliable).error().code() ==
        vsm::ErrorCode::kInvalid);
}
