// FrameReader: single and batch frames, per-event errors, frame-level limits, and the
// single-event frame of every event of a batch.
#include "vsm/frame_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "frame_fixtures.hpp"
#include "sample_event.hpp"
#include "vsm/codec.hpp"

namespace vsm {
namespace {
using namespace test;  // NOLINT: fixtures

// Event maps with seq 1..n on kTopic.
std::vector<std::string> maps(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= n; ++i) out.push_back(event_map(with(base_fields(), 3, mp_uint(i))));
  return out;
}

std::string batch_of(const std::vector<std::string>& event_maps) {
  std::string body = mp_array_header(static_cast<std::uint32_t>(event_maps.size()));
  for (const auto& m : event_maps) body += m;
  return frame(kTopic, body);
}

// Reads every event: the seqs of those that decoded, and the count of errors.
struct ReadAll {
  std::vector<std::uint64_t> seqs;
  std::size_t errors = 0;
  std::size_t unread = 0;
};
ReadAll read_all(std::string_view bytes, const CodecLimits& limits = {}) {
  auto reader = FrameReader::open(bytes, limits);
  REQUIRE(reader.ok());
  ReadAll out;
  Event e;
  while (!reader->done()) {
    if (reader->next_into(e).ok()) {
      out.seqs.push_back(e.seq);
    } else {
      ++out.errors;
    }
  }
  out.unread = reader->unread();
  return out;
}

}  // namespace

TEST_CASE("frame reader: a single-event frame is one event", "[frame_reader]") {
  const std::string bytes = encode_event(test::full_event()).value();
  auto reader = FrameReader::open(bytes);
  REQUIRE(reader.ok());
  CHECK_FALSE(reader->is_batch());
  CHECK(reader->event_count() == 1);
  CHECK(reader->topic().channel == Channel::kAlgedonic);
  CHECK(reader->topic().source == "s1.ops-3");
  CHECK(reader->topic().type == "overheat");
  Event e;
  REQUIRE(reader->next_into(e).ok());
  CHECK(e == test::full_event());
  CHECK(reader->done());
  CHECK(reader->unread() == 0);
  std::string single;
  reader->append_event_frame(single);
  CHECK(single == bytes);
}

TEST_CASE("frame reader: a batch yields its events in order, each as its own frame",
          "[frame_reader]") {
  for (std::size_t n : {1u, 2u, 15u, 16u, 300u}) {
    INFO(n << " events");
    const auto event_maps = maps(n);
    const std::string bytes = batch_of(event_maps);
    auto reader = FrameReader::open(bytes);
    REQUIRE(reader.ok());
    CHECK(reader->is_batch());
    CHECK(reader->event_count() == n);
    Event e;
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE_FALSE(reader->done());
      REQUIRE(reader->next_into(e).ok());
      CHECK(e.seq == i + 1);
      CHECK(reader->event_map() == event_maps[i]);
      // The same bytes a single-event message of this event carries, and they decode to
      // the same event.
      std::string single;
      reader->append_event_frame(single);
      CHECK(single == frame(kTopic, event_maps[i]));
      CHECK(decode_event(single).value() == e);
    }
    CHECK(reader->done());
  }
}

TEST_CASE("frame reader: a bad event in a batch is dropped, the others are read",
          "[frame_reader]") {
  auto event_maps = maps(5);
  event_maps[1] = event_map(with(base_fields(), 2, mp_uint(3)));     // channel != topic
  event_maps[3] = event_map(with(base_fields(), 6, mp_str("a/b")));  // bad node name
  auto r = read_all(batch_of(event_maps));
  CHECK(r.seqs == std::vector<std::uint64_t>{1, 3, 5});
  CHECK(r.errors == 2);
  CHECK(r.unread == 0);

  // An element that is not a map is skipped the same way.
  event_maps = maps(3);
  event_maps[0] = mp_str("not an event");
  r = read_all(batch_of(event_maps));
  CHECK(r.seqs == std::vector<std::uint64_t>{2, 3});
  CHECK(r.errors == 1);
}

TEST_CASE("frame reader: past an unreadable event the rest is counted as unread",
          "[frame_reader]") {
  auto event_maps = maps(5);
  event_maps[2] = std::string("\x81\x0b\xc1", 3);  // map whose value is not msgpack
  auto r = read_all(batch_of(event_maps));
  CHECK(r.seqs == std::vector<std::uint64_t>{1, 2});
  CHECK(r.errors == 1);
  CHECK(r.unread == 2);
  // A batch cut short: the last events cannot be read.
  std::string cut = batch_of(maps(4));
  cut.resize(cut.size() - 3);
  r = read_all(cut);
  CHECK(r.seqs == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(r.errors == 1);
  CHECK(r.unread == 0);
}

TEST_CASE("frame reader: trailing bytes after the last event fail that event", "[frame_reader]") {
  auto r = read_all(batch_of(maps(3)) + std::string(1, '\xc0'));
  CHECK(r.seqs == std::vector<std::uint64_t>{1, 2});
  CHECK(r.errors == 1);
}

TEST_CASE("frame reader: frame-level batch rules", "[frame_reader]") {
  const auto check_open = [](const std::string& bytes, ErrorCode code, const CodecLimits& l = {}) {
    auto reader = FrameReader::open(bytes, l);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.error().code() == code);
    CHECK_FALSE(reader.error().message().empty());
  };
  check_open(frame(kTopic, mp_array_header(0)), ErrorCode::kInvalid);          // empty batch
  check_open(frame(kTopic, std::string("\xdc\x00", 2)), ErrorCode::kInvalid);  // truncated header
  check_open(frame(kTopic, mp_array_header(100) + maps(1)[0]),
             ErrorCode::kInvalid);  // 100 in 24 bytes
  CodecLimits limits;
  limits.max_batch_events = 4;
  check_open(batch_of(maps(5)), ErrorCode::kTooLarge, limits);
  CHECK(FrameReader::open(batch_of(maps(4)), limits).ok());
  const std::string big = batch_of(maps(10));
  limits.max_frame_bytes = big.size() - 1;
  limits.max_batch_events = 100;
  check_open(big, ErrorCode::kTooLarge, limits);
  limits.max_frame_bytes = big.size();
  CHECK(FrameReader::open(big, limits).ok());
}

TEST_CASE("frame reader: max_event_bytes applies to each event of a batch", "[frame_reader]") {
  auto event_maps = maps(3);
  event_maps[1] =
      event_map(with(with(base_fields(), 3, mp_uint(2)), 11, mp_str(std::string(100, 'x'))));
  CodecLimits limits;
  limits.max_event_bytes = 60;
  auto r = read_all(batch_of(event_maps), limits);
  CHECK(r.seqs == std::vector<std::uint64_t>{1, 3});
  CHECK(r.errors == 1);
}

}  // namespace vsm
