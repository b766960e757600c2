// peek_event_header: the header fields of a single-event frame as views, agreeing with
// decode_event(), and its rejections.
#include "vsm/event_header.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "frame_fixtures.hpp"
#include "sample_event.hpp"
#include "vsm/codec.hpp"

namespace vsm {
namespace {
using namespace test;  // NOLINT: fixtures

// Every header field equals the decoded event's.
void check_agrees(const std::string& frame) {
  EventHeader header;
  REQUIRE(peek_event_header(frame, header).ok());
  const EventHeader* h = &header;
  auto e = decode_event(frame);
  REQUIRE(e.ok());
  CHECK(h->channel == e->channel);
  CHECK(h->source == e->source);
  CHECK(h->type == e->type);
  CHECK(h->target == e->target);
  CHECK(h->node == e->ts.node);
  CHECK(h->correlation_id == e->correlation_id);
  CHECK(h->id == e->id);
  CHECK(h->seq == e->seq);
  CHECK(h->wall_ms == e->ts.wall_ms);
  // Views into the frame, not copies.
  const char* begin = frame.data();
  const char* end = frame.data() + frame.size();
  for (std::string_view v : {h->source, h->type}) CHECK((v.data() >= begin && v.data() < end));
}

}  // namespace

TEST_CASE("event header: agrees with decode_event on every field", "[event_header]") {
  check_agrees(encode_event(test::full_event()).value());
  Event minimal = test::minimal_event();
  const std::string min = encode_event(minimal).value();
  check_agrees(min);
  EventHeader h;
  REQUIRE(peek_event_header(min, h).ok());
  CHECK(h.target == kBroadcastTarget);
  CHECK(h.node == "s3");  // absent ts.node is the source
  CHECK(h.correlation_id.empty());
  CHECK(h.wall_ms == 0);
  // As a publisher sends it: fixed-width numbers patched in.
  Event e = test::full_event();
  std::string frame;
  auto slots = encode_event_unsequenced(e, "node-b", frame);
  REQUIRE(slots.ok());
  patch_sequence(frame.data(), *slots, 1'700'000'000'999, 3, 77);
  check_agrees(frame);
  REQUIRE(peek_event_header(frame, h).ok());
  CHECK(h.seq == 77);
  CHECK(h.wall_ms == 1'700'000'000'999);
  CHECK(h.node == "node-b");
  CHECK(h.id == e.id);
}

TEST_CASE("event header: unknown keys and any key order", "[event_header]") {
  Fields f = base_fields();
  f.emplace_back(200, mp_str("future"));
  f.emplace_back(11, std::string("\x92\x81\xa1k\x90\xc0", 6));  // payload is skipped, not read
  std::reverse(f.begin(), f.end());
  check_agrees(frame_of(f));
}

TEST_CASE("event header: rejects what is not a well-formed single-event frame", "[event_header]") {
  const std::string map = event_map(base_fields());
  Fields repeated = base_fields();
  repeated.emplace_back(3, mp_uint(6));
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"no separator", std::string(kTopic) + map},
      {"bad topic", frame("nope/s1/t", map)},
      {"a batch", frame(kTopic, mp_array_header(1) + map)},
      {"channel differs from the topic", frame("audit/s1/t", map)},
      {"id is not bin 16", frame_of(with(base_fields(), 1, mp_bin("short")))},
      {"seq is a string", frame_of(with(base_fields(), 3, mp_str("5")))},
      {"node is a number", frame_of(with(base_fields(), 6, mp_uint(5)))},
      {"missing seq", frame_of(without(base_fields(), 3))},
      {"missing id", frame_of(without(base_fields(), 1))},
      {"repeated key", frame_of(repeated)},
      {"malformed payload", frame_of(with(base_fields(), 11, "\xc1"))},
      {"trailing bytes", frame_of(base_fields()) + "x"},
      {"truncated", frame_of(base_fields()).substr(0, 20)},
  };
  for (const auto& [what, bytes] : cases) {
    INFO(what);
    EventHeader h;
    auto st = peek_event_header(bytes, h);
    REQUIRE_FALSE(st.ok());
    CHECK_FALSE(st.error().message().empty());
  }
}

}  // namespace vsm
