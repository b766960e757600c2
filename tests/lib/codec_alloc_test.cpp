// The codec's hot paths allocate nothing per event in steady state (issue #14 item 3):
// global operator new is counted while a publisher's and a receiver's per-event work
// runs over reused buffers.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "sample_event.hpp"
#include "vsm/batch_builder.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_header.hpp"
#include "vsm/frame_reader.hpp"

// AddressSanitizer owns operator new (and checks new/delete pairs), so the counting
// replacement below is left out of sanitizer builds and these tests skip themselves.
#if defined(__SANITIZE_ADDRESS__)
#define VSM_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VSM_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef VSM_COUNT_ALLOCATIONS
#define VSM_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local std::size_t g_allocations = 0;
}  // namespace

#if VSM_COUNT_ALLOCATIONS
// Counting replacements for the whole test binary (they only count; they change nothing).
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace vsm {
namespace {

bool counting() {
  if (!VSM_COUNT_ALLOCATIONS) WARN("allocations are not counted under AddressSanitizer");
  return VSM_COUNT_ALLOCATIONS;
}

// Allocations made by `body` run `n` times, after one warm-up run.
template <typename F>
std::size_t allocations(int n, F body) {
  body();
  const std::size_t before = g_allocations;
  for (int i = 0; i < n; ++i) body();
  return g_allocations - before;
}

}  // namespace

TEST_CASE("alloc: the counter counts", "[codec_alloc]") {
  if (!counting()) return;
  static void* volatile sink = nullptr;
  CHECK(allocations(10, [] {
          sink = ::operator new(64);
          ::operator delete(sink);
        }) == 10);
}

TEST_CASE("alloc: publisher side: id, encode, patch, batch", "[codec_alloc]") {
  if (!counting()) return;
  Event e = test::full_event();
  e.payload = pack_value(std::string(100, 'p'));
  std::string scratch;
  std::uint64_t seq = 0;
  CHECK(allocations(1000, [&] {
          e.id = EventId::generate();
          scratch.clear();
          auto slots = encode_event_unsequenced(e, "node-a", scratch);
          REQUIRE(slots.ok());
          ++seq;
          patch_sequence(scratch.data(), *slots, 1'700'000'000'000 + seq, 0, seq);
        }) == 0);
  BatchBuilder batch;
  CHECK(allocations(100, [&] {
          batch.clear();
          for (int i = 0; i < 64; ++i) REQUIRE(batch.add(scratch) == BatchBuilder::Add::kAdded);
          REQUIRE(batch.finish().size() > 64 * 100);
        }) == 0);
}

TEST_CASE("alloc: receiver side: decode_event_into, batches, header peek", "[codec_alloc]") {
  if (!counting()) return;
  Event e = test::full_event();
  e.source = std::string(40, 's');  // beyond the small-string buffer
  e.payload = pack_value(std::string(100, 'p'));
  const std::string frame = encode_event(e).value();
  Event into;
  CHECK(allocations(1000, [&] { REQUIRE(decode_event_into(frame, into).ok()); }) == 0);
  CHECK(into == e);

  BatchBuilder b;
  for (int i = 0; i < 64; ++i) REQUIRE(b.add(frame) == BatchBuilder::Add::kAdded);
  const std::string batch(b.finish());
  FrameReader reader;
  std::size_t events = 0;
  CHECK(allocations(100, [&] {
          REQUIRE(reader.reset(batch).ok());
          while (!reader.done()) {
            REQUIRE(reader.next_into(into).ok());
            ++events;
          }
        }) == 0);
  CHECK(events == 101 * 64);

  EventHeader h;
  CHECK(allocations(1000, [&] { REQUIRE(peek_event_header(frame, h).ok()); }) == 0);
  CHECK(h.id == e.id);
}

}  // namespace vsm
