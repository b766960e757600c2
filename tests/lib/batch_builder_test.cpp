// BatchBuilder: batch frames from single-event frames without re-encoding; count and
// byte limits, mixed topics, oversize and invalid frames, the smallest array header.
#include "vsm/batch_builder.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sample_event.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_reader.hpp"

namespace vsm {
namespace {

using Add = BatchBuilder::Add;

// Single-event frames of one topic as a publisher makes them (unsequenced, patched).
std::vector<std::string> published(std::size_t n, std::string_view type = "t") {
  std::vector<std::string> out;
  Event e = test::full_event();
  e.type = type;
  for (std::size_t i = 1; i <= n; ++i) {
    e.id = EventId::generate();
    std::string frame;
    auto slots = encode_event_unsequenced(e, "node-a", frame);
    REQUIRE(slots.ok());
    patch_sequence(frame.data(), *slots, 1'700'000'000'000 + i, 0, i);
    out.push_back(std::move(frame));
  }
  return out;
}

std::string_view map_of(std::string_view frame) { return frame.substr(frame.find('\0') + 1); }

// Decodes a batch frame and checks it holds exactly `frames`, in order.
void check_batch(std::string_view batch, const std::vector<std::string>& frames) {
  auto reader = FrameReader::open(batch);
  REQUIRE(reader.ok());
  CHECK(reader->is_batch());
  REQUIRE(reader->event_count() == frames.size());
  Event e;
  for (const auto& f : frames) {
    REQUIRE(reader->next_into(e).ok());
    CHECK(e == decode_event(f).value());
    std::string single;
    reader->append_event_frame(single);
    CHECK(single == f);
  }
  CHECK(reader->done());
}

}  // namespace

TEST_CASE("batch builder: topic, header and the event maps verbatim", "[batch_builder]") {
  for (std::size_t n : {1u, 2u, 15u, 16u, 17u, 300u}) {
    INFO(n << " events");
    const auto frames = published(n);
    BatchBuilder b;
    for (const auto& f : frames) REQUIRE(b.add(f) == Add::kAdded);
    CHECK(b.size() == n);
    CHECK(b.topic() == "algedonic/s1.ops-3/t");
    const std::size_t expected = b.frame_bytes();
    const std::string batch(b.finish());
    CHECK(batch.size() == expected);
    std::string want = "algedonic/s1.ops-3/t";
    want.push_back('\0');
    if (n < 16) {
      want.push_back(static_cast<char>(0x90 | n));  // fixarray: the smallest header
    } else {
      want += {'\xdc', static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
    }
    for (const auto& f : frames) want.append(map_of(f));
    CHECK(batch == want);
    check_batch(batch, frames);
  }
}

TEST_CASE("batch builder: the count limit", "[batch_builder]") {
  const auto frames = published(7);
  BatchBuilder b({.max_bytes = 1 << 20, .max_events = 3});
  std::vector<std::string> batches;
  for (const auto& f : frames) {
    if (b.add(f) == Add::kFull) {
      batches.emplace_back(b.finish());
      b.clear();
      REQUIRE(b.add(f) == Add::kAdded);
    }
  }
  batches.emplace_back(b.finish());
  REQUIRE(batches.size() == 3);
  check_batch(batches[0], {frames[0], frames[1], frames[2]});
  check_batch(batches[1], {frames[3], frames[4], frames[5]});
  check_batch(batches[2], {frames[6]});
}

TEST_CASE("batch builder: the byte limit counts the whole frame", "[batch_builder]") {
  const auto frames = published(20);
  const std::size_t head = frames[0].find('\0') + 1;
  const std::size_t map = frames[0].size() - head;  // every map has the same size
  // Room for exactly 5 maps with a 1-byte header.
  const std::size_t limit = head + 1 + 5 * map;
  BatchBuilder b({.max_bytes = limit, .max_events = 1000});
  for (int i = 0; i < 5; ++i) REQUIRE(b.add(frames[i]) == Add::kAdded);
  CHECK(b.frame_bytes() == limit);
  CHECK(b.add(frames[5]) == Add::kFull);
  CHECK(b.size() == 5);
  CHECK(b.finish().size() == limit);
  b.clear();
  // At 16 events the header grows to 3 bytes: 16 maps need 2 more bytes than 15 do.
  BatchBuilder wide({.max_bytes = head + 1 + 15 * map + map + 2, .max_events = 1000});
  for (int i = 0; i < 16; ++i) REQUIRE(wide.add(frames[i]) == Add::kAdded);
  BatchBuilder tight({.max_bytes = head + 1 + 15 * map + map + 1, .max_events = 1000});
  for (int i = 0; i < 15; ++i) REQUIRE(tight.add(frames[i]) == Add::kAdded);
  CHECK(tight.add(frames[15]) == Add::kFull);
}

TEST_CASE("batch builder: other topics, oversize and invalid frames", "[batch_builder]") {
  const auto a = published(2, "a");
  const auto other = published(1, "b");
  BatchBuilder b;
  REQUIRE(b.add(a[0]) == Add::kAdded);
  CHECK(b.add(other[0]) == Add::kOtherTopic);  // mixed topics never share a batch
  REQUIRE(b.add(a[1]) == Add::kAdded);
  check_batch(b.finish(), a);

  BatchBuilder small({.max_bytes = a[0].size(), .max_events = 10});
  CHECK(small.add(a[0]) == Add::kTooLarge);  // alone it exceeds max_bytes: send it as it is
  CHECK(small.empty());
  BatchBuilder fits({.max_bytes = a[0].size() + 1, .max_events = 10});
  CHECK(fits.add(a[0]) == Add::kAdded);

  BatchBuilder c;
  CHECK(c.add("") == Add::kInvalid);
  CHECK(c.add("command/s1/t") == Add::kInvalid);                             // no separator
  CHECK(c.add(std::string("command/s1/t\0", 13)) == Add::kInvalid);          // no body
  CHECK(c.add(std::string("command/s1/t\0\x91\x80", 15)) == Add::kInvalid);  // a batch
  CHECK(c.empty());
}

TEST_CASE("batch builder: clear keeps the buffer; batches repeat exactly", "[batch_builder]") {
  const auto frames = published(40);
  BatchBuilder b;
  for (const auto& f : frames) REQUIRE(b.add(f) == Add::kAdded);
  const std::string first(b.finish());
  for (int round = 0; round < 3; ++round) {
    b.clear();
    CHECK(b.empty());
    CHECK(b.frame_bytes() == 0);
    for (const auto& f : frames) REQUIRE(b.add(f) == Add::kAdded);
    CHECK(b.finish() == first);
  }
}

}  // namespace vsm
