// EventBatch: the subscription queue with reusable slots (nodes/src/event_batch.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "subscribe/event_batch.hpp"

namespace vsm::detail {
namespace {

Event numbered(int i) {
  Event e;
  e.source = "s1." + std::string(40, 'x') + std::to_string(i);  // beyond the SSO buffer
  e.type = i % 2 ? "odd" : "even";
  e.seq = static_cast<std::uint64_t>(i);
  return e;
}

TEST_CASE("event batch: FIFO order through push, swap_front and take_front", "[batch]") {
  EventBatch b;
  for (int i = 1; i <= 5; ++i) b.push(numbered(i));
  CHECK(b.size() == 5);
  Event out;
  b.swap_front(out);
  CHECK(out.seq == 1);
  CHECK(b.take_front().seq == 2);
  CHECK(b.size() == 3);
  int expect = 3;
  for (const Event& e : b) CHECK(e.seq == static_cast<std::uint64_t>(expect++));
  while (!b.empty()) b.pop_front();
  CHECK(b.size() == 0);
}

TEST_CASE("event batch: consumed slots are reused by later pushes", "[batch]") {
  EventBatch b;
  b.push(numbered(1));
  const char* slot_source = b.begin()->source.data();
  Event out = numbered(100);  // the consumer's event: its buffers go back to the batch
  const char* out_source = out.source.data();
  b.swap_front(out);
  CHECK(out.seq == 1);
  CHECK(out.source.data() == slot_source);
  CHECK(b.empty());
  const Event next = numbered(2);
  b.push(next);  // copy-assigned into the spare that now holds out's old buffer
  CHECK(b.begin()->seq == 2);
  CHECK(b.begin()->source == next.source);
  CHECK(b.begin()->source.data() == out_source);
}

TEST_CASE("event batch: erase_first and drop-oldest keep the order of the rest", "[batch]") {
  EventBatch b;
  for (int i = 1; i <= 3000; ++i) b.push(numbered(i));
  CHECK(b.erase_first([](const Event& e) { return e.seq == 2; }));
  CHECK_FALSE(b.erase_first([](const Event& e) { return e.seq == 2; }));
  for (int i = 0; i < 1500; ++i) b.pop_front();  // crosses the compaction threshold
  REQUIRE(b.size() == 1499);
  std::uint64_t expect = 1502;
  for (const Event& e : b) CHECK(e.seq == expect++);
  b.push(numbered(9999));
  std::uint64_t last = 0;
  for (const Event& e : b) last = e.seq;
  CHECK(last == 9999);
}

TEST_CASE("event batch: swap exchanges contents; clear keeps no large payloads", "[batch]") {
  EventBatch a, b;
  a.push(numbered(1));
  Event big = numbered(2);
  big.payload = Value::from_encoded(std::string(64 * 1024, '\xc0'));
  a.push(big);
  a.swap(b);
  CHECK(a.empty());
  CHECK(b.size() == 2);
  b.clear();
  CHECK(b.empty());
  b.push(numbered(3));
  b.push(numbered(4));  // into the slot that held the 64 KiB payload
  auto second = b.begin() + 1;
  CHECK(second->seq == 4);
  CHECK(second->payload.empty());
  CHECK(second->payload.bytes().capacity() < 1024);  // released by clear()
}


TEST_CASE("event batch: a lagging subscriber's big batches reuse every slot, within a byte budget",
          "[batch]") {
  EventBatch b;
  Event small = numbered(1);
  small.payload = Value::from_encoded(std::string(100, '\xc0'));
  for (int i = 0; i < 5000; ++i) b.push(small);  // thousands queued: the consumer lags
  const char* slot_4000 = (b.begin() + 4000)->payload.bytes().data();
  b.clear();
  for (int i = 0; i < 5000; ++i) b.push(small);
  CHECK((b.begin() + 4000)->payload.bytes().data() == slot_4000);  // reused, not reallocated

  Event large = numbered(2);
  large.payload = Value::from_encoded(std::string(8 * 1024, '\xc0'));
  b.clear();
  for (int i = 0; i < 2000; ++i) b.push(large);  // 16 MiB of payload
  b.clear();
  const Event empty = numbered(3);
  for (int i = 0; i < 2000; ++i) b.push(empty);  // an empty payload keeps a spare's buffer
  std::size_t kept_bytes = 0;
  for (const Event& e : b) kept_bytes += e.payload.bytes().capacity();
  CHECK(kept_bytes <= (4u << 20) + 2000 * 32);  // the budget, and small-string slack
  CHECK(kept_bytes >= (2u << 20));              // but not none
}

}  // namespace
}  // namespace vsm::detail
