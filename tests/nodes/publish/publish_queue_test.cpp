// PublishQueue: capacity, seal order, the optional wait for room (publish_block_timeout_ms)
// and close while waiting; and the same through Node::publish().
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>
#include <vector>

#include "node_fixture.hpp"
#include "publish/publish_queue.hpp"

namespace vsm::detail {
namespace {

using Clock = std::chrono::steady_clock;

Status push(PublishQueue& q, int i, int block_ms, std::vector<int>* sealed = nullptr) {
  return q.push(std::to_string(i), Channel::kCommand, block_ms, [&](OutFrame&) -> Status {
    if (sealed) sealed->push_back(i);
    return {};
  });
}

}  // namespace

TEST_CASE("publish queue: seals in queue order and fails fast when full", "[publish_queue]") {
  PublishQueue q(2);
  std::vector<int> sealed;
  REQUIRE(q.admit(0).ok());
  REQUIRE(push(q, 1, 0, &sealed).ok());
  REQUIRE(push(q, 2, 0, &sealed).ok());
  CHECK(q.size() == 2);
  auto full = push(q, 3, 0, &sealed);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code() == ErrorCode::kQueueFull);
  CHECK(q.admit(0).error().code() == ErrorCode::kQueueFull);
  CHECK(q.admit(100).ok());  // a blocking publisher goes on to push(), which waits
  CHECK(sealed == std::vector<int>{1, 2});  // a full queue never runs the seal

  // A failing seal enqueues nothing.
  FrameBatch out;
  q.take(out);
  REQUIRE(out.size() == 2);
  CHECK(out.frames()[0].frame == "1");
  CHECK(out.frames()[1].frame == "2");
  auto bad = q.push("4", Channel::kCommand, 0,
                    [](OutFrame&) -> Status { return Error::invalid("no"); });
  CHECK(bad.error().code() == ErrorCode::kInvalid);
  CHECK(q.size() == 0);
}

TEST_CASE("publish queue: a blocking push waits for the sender to take", "[publish_queue]") {
  PublishQueue q(1);
  REQUIRE(push(q, 1, 0).ok());
  std::thread reactor([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    FrameBatch out;
    q.take(out);
  });
  auto st = push(q, 2, 10'000);  // generous: only the take above lets it through
  reactor.join();
  REQUIRE(st.ok());
  FrameBatch out;
  q.take(out);
  REQUIRE(out.size() == 1);
  CHECK(out.frames()[0].frame == "2");
}

TEST_CASE("publish queue: a blocking push gives up at its deadline", "[publish_queue]") {
  PublishQueue q(1);
  REQUIRE(push(q, 1, 0).ok());
  const auto start = Clock::now();
  auto st = push(q, 2, 30);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kQueueFull);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(30));  // never early
  CHECK(q.size() == 1);
}

TEST_CASE("publish queue: close wakes a blocked publisher with ShuttingDown", "[publish_queue]") {
  PublishQueue q(1);
  REQUIRE(push(q, 1, 0).ok());
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.close();
  });
  auto st = push(q, 2, 60'000);
  closer.join();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kShuttingDown);
  CHECK(q.admit(0).error().code() == ErrorCode::kShuttingDown);
  CHECK(push(q, 3, 0).error().code() == ErrorCode::kShuttingDown);
}

TEST_CASE("publish_block_timeout_ms turns QueueFull into waiting", "[node][publish_queue]") {
  auto cfg = test::node_config("s3.block", Role::kS3);
  cfg.publish_queue_capacity = 1;
  cfg.publish_block_timeout_ms = 10'000;
  cfg.publish_inline = false;  // every event goes through the queue
  Node n(cfg);
  REQUIRE(n.start().ok());
  std::uint64_t last = 0;
  for (int i = 0; i < 20'000; ++i) {
    auto r = n.publish(test::make_event(Channel::kCommand, "t", i));
    REQUIRE(r.ok());  // never QueueFull: each publish waits for the reactor instead
    CHECK(r->seq == last + 1);
    last = r->seq;
  }
  CHECK(n.stats().publish_queue_full == 0);
}

TEST_CASE("publish queue: a steady stream reuses the frames' buffers", "[publish_queue]") {
  PublishQueue q(16);
  const std::string body(200, 'x');
  auto push_body = [&] {
    return q.push(body, Channel::kCommand, 0, [](OutFrame&) -> Status { return {}; });
  };
  FrameBatch out;
  REQUIRE(push_body().ok());
  q.take(out);
  REQUIRE(out.size() == 1);
  const char* first = out.frames()[0].frame.data();
  out.clear();  // its slot is a spare now; the next take() hands it to the queue
  REQUIRE(push_body().ok());  // into a new slot: the queue's batch had no spare yet
  q.take(out);                // the queue gets the first frame's slot as a spare
  out.clear();
  REQUIRE(push_body().ok());  // copied into that spare's buffer
  q.take(out);
  REQUIRE(out.size() == 1);
  CHECK(out.frames()[0].frame == body);
  CHECK(out.frames()[0].frame.data() == first);  // copied into the reused buffer
}

TEST_CASE("frame batch: spares are bounded in bytes", "[publish_queue]") {
  FrameBatch b;
  const std::string big(1u << 20, 'b');
  for (int i = 0; i < 4; ++i) {
    b.next(big, Channel::kCommand);
    b.commit_next();
  }
  CHECK(b.size() == 4);
  b.clear();
  CHECK(b.size() == 0);
  CHECK(b.slots() < 4);  // 4 MiB of buffers: what is over 2 MiB is released
  b.next("small", Channel::kAudit);
  b.commit_next();
  REQUIRE(b.size() == 1);
  CHECK(b.frames()[0].frame == "small");
  CHECK(b.frames()[0].channel == Channel::kAudit);
}

}  // namespace vsm::detail
