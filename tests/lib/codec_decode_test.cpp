// Event codec, decoding side: hand-built frames and every rejection path.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "frame_fixtures.hpp"
#include "sample_event.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"

namespace vsm {
namespace {
using namespace test;  // NOLINT: fixtures
namespace fmt = frame_format;
}  // namespace

TEST_CASE("codec: hand-built frame decodes; unknown keys are skipped", "[codec]") {
  auto r = decode_event(frame_of(base_fields()));
  REQUIRE(r.ok());
  CHECK(r->id.bytes() == kIdBytes);
  CHECK(r->channel == Channel::kCommand);
  CHECK(r->source == "s1");
  CHECK(r->type == "t");
  CHECK(r->seq == 5);
  CHECK(r->ts == HlcTimestamp{0, 0, "s1"});  // absent ts.node is the source

  std::string unknown;
  {
    MsgpackWriter w(unknown);
    w.map_header(1);
    w.str("a");
    w.array_header(2);
    w.uint(1);
    w.str("x");
  }
  auto f = with(base_fields(), 99, unknown);
  f.insert(f.begin(), {200, mp_bin("blob")});
  f.emplace_back(1ull << 40, mp_nil());  // any unsigned key, any width
  auto r2 = decode_event(frame_of(f));
  REQUIRE(r2.ok());
  CHECK(*r2 == *r);
  // Older and equal version numbers are accepted.
  CHECK(decode_event(frame_of(with(base_fields(), 0, mp_uint(2)))).ok());
  CHECK(decode_event(frame_of(with(base_fields(), 0, mp_uint(0)))).ok());
  // Keys may come in any order, integers in any width.
  Fields rev = base_fields();
  std::reverse(rev.begin(), rev.end());
  CHECK(decode_event(frame_of(rev)).value() == *r);
  CHECK(decode_event(frame_of(with(base_fields(), 3, std::string("\xcf\0\0\0\0\0\0\0\x05", 9))))
            .value() == *r);
  // An empty target is broadcast, an empty correlation id none.
  auto e = decode_event(frame_of(with(with(base_fields(), 7, mp_str("")), 9, mp_str(""))));
  REQUIRE(e.ok());
  CHECK(e->target == kBroadcastTarget);
  CHECK(e->correlation_id.empty());
}

TEST_CASE("codec: a newer version is unsupported", "[codec]") {
  auto r = decode_event(frame_of(with(base_fields(), 0, mp_uint(fmt::kVersion + 1))));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kUnsupported);
}

TEST_CASE("codec: each required key is required", "[codec]") {
  for (std::uint64_t key : {fmt::kKeyId, fmt::kKeyChannel, fmt::kKeySeq}) {
    auto r = decode_event(frame_of(without(base_fields(), key)));
    INFO(key);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK(r.error().message().find("required") != std::string::npos);
  }
}

TEST_CASE("codec: malformed field values are rejected", "[codec]") {
  const std::string nil = mp_nil();
  const std::string float_v("\xcb\x3f\xf0\0\0\0\0\0\0", 9);
  std::string md_list;
  MsgpackWriter(md_list).array_header(0);
  std::string md_int_key;
  {
    MsgpackWriter w(md_int_key);
    w.map_header(1);
    w.uint(1);
    w.uint(2);
  }
  std::string md_bad_value;
  {
    MsgpackWriter w(md_bad_value);
    w.map_header(1);
    w.str("k");
    md_bad_value.push_back('\xc1');
  }
  std::string md_bad_key;
  {
    MsgpackWriter w(md_bad_key);
    w.map_header(1);
    w.str("\xff");
    w.nil();
  }
  const std::vector<std::pair<std::uint64_t, std::string>> cases = {
      {0, mp_str("2")}, {0, mp_int(-1)}, {0, float_v}, {0, nil},
      {1, mp_uint(5)}, {1, mp_str(kIdBytes)}, {1, nil}, {1, mp_bin("")},
      {1, mp_bin(std::string(15, 'i'))}, {1, mp_bin(std::string(17, 'i'))},
      {1, mp_bin(std::string(16, '\0'))},  // the nil id
      {2, mp_str("command")}, {2, mp_uint(1)}, {2, mp_uint(5)}, {2, mp_int(-1)},
      {3, mp_int(-1)}, {3, mp_str("5")}, {3, float_v}, {3, nil},
      {4, mp_int(-1)}, {4, mp_str("1")},
      {5, mp_uint(0x1'0000'0000ULL)}, {5, mp_int(-1)},
      {6, mp_uint(5)}, {6, mp_str("")}, {6, mp_str("a/b")}, {6, mp_str("a\x01")},
      {6, mp_str(std::string(256, 'n'))}, {6, mp_str("\xc3")},
      {7, mp_uint(5)}, {7, mp_str("a/b")}, {7, mp_str("\x80")},
      {8, mp_uint(4)}, {8, mp_str("1")}, {8, mp_int(-1)},
      {9, mp_uint(5)}, {9, mp_str(std::string(256, 'c'))}, {9, mp_str("\xf5\x80\x80\x80")},
      {10, mp_uint(5)}, {10, mp_str(std::string(256, 'c'))},
      {11, "\xc1"}, {11, std::string("\xd9\x05" "ab", 4)},
      {12, md_list}, {12, md_int_key}, {12, md_bad_value}, {12, md_bad_key}, {12, nil},
      {99, "\xc1"},  // an unknown key whose value is not msgpack
  };
  for (const auto& [key, value] : cases) {
    auto r = decode_event(frame_of(with(base_fields(), key, value)));
    INFO("key " << key);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK_FALSE(r.error().message().empty());
  }
}

TEST_CASE("codec: frame-level rules are each rejected with a clear error", "[codec]") {
  const std::string body = event_map(base_fields());
  std::string int_key_str;
  {
    MsgpackWriter w(int_key_str);
    w.map_header(1);
    w.str("id");
    w.uint(1);
  }
  std::string many_keys;
  MsgpackWriter(many_keys).map_header(65);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty frame", ""},
      {"no separator", std::string(kTopic) + body},
      {"separator beyond the longest topic", std::string(600, 'a') + '\0' + body},
      {"no body", frame(kTopic, "")},
      {"unknown channel", frame("bogus/s1/t", body)},
      {"channel differs from the topic", frame("audit/s1/t", body)},
      {"two-part topic", frame("command/s1", body)},
      {"four-part topic", frame("command/s1/t/x", body)},
      {"empty source", frame("command//t", body)},
      {"control character in the type", frame("command/s1/t\x01", body)},
      {"invalid UTF-8 in the source", frame("command/s\xff/t", body)},
      {"internal topic", frame("~vsm/hello/n", body)},
      {"body is a string", frame(kTopic, mp_str("hello"))},
      {"body is an int", frame(kTopic, mp_uint(1))},
      {"key is a string", frame(kTopic, int_key_str)},
      {"more than 64 keys", frame(kTopic, many_keys)},
  };
  for (const auto& [what, bytes] : cases) {
    INFO(what);
    auto r = decode_event(bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK_FALSE(r.error().message().empty());
  }
  Fields repeated = base_fields();
  repeated.emplace_back(fmt::kKeySeq, mp_uint(9));
  auto r = decode_event(frame_of(repeated));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("repeats") != std::string::npos);
}

TEST_CASE("codec: every truncation of a valid frame is rejected", "[codec]") {
  auto bytes = encode_event(test::full_event());
  REQUIRE(bytes.ok());
  for (std::size_t n = 0; n < bytes->size(); ++n) {
    auto r = decode_event(std::string_view(*bytes).substr(0, n));
    INFO("prefix length " << n);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
  }
}

TEST_CASE("codec: trailing bytes are rejected", "[codec]") {
  auto bytes = encode_event(test::minimal_event());
  REQUIRE(bytes.ok());
  const std::string map = bytes->substr(bytes->find('\0') + 1);
  for (std::string extra : {std::string(1, '\0'), std::string(1, '\xc0'), map}) {
    auto r = decode_event(*bytes + extra);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("trailing") != std::string::npos);
  }
}

TEST_CASE("codec: oversize events and frames are rejected on both sides", "[codec]") {
  Event e = test::minimal_event();
  e.payload = pack_value(std::string(2000, 'x'));
  CodecLimits limits;
  limits.max_event_bytes = 1000;
  auto enc = encode_event(e, limits);
  REQUIRE_FALSE(enc.ok());
  CHECK(enc.error().code() == ErrorCode::kTooLarge);

  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  auto dec = decode_event(*bytes, limits);
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code() == ErrorCode::kTooLarge);

  // Exactly at the limit is fine: the limit counts the event map, not the topic.
  const std::size_t map_bytes = bytes->size() - bytes->find('\0') - 1;
  limits.max_event_bytes = map_bytes;
  CHECK(decode_event(*bytes, limits).ok());
  CHECK(encode_event(e, limits).ok());
  limits.max_event_bytes = map_bytes - 1;
  CHECK_FALSE(encode_event(e, limits).ok());
  // The whole frame has its own limit.
  CodecLimits frame_limit;
  frame_limit.max_frame_bytes = bytes->size() - 1;
  CHECK(decode_event(*bytes, frame_limit).error().code() == ErrorCode::kTooLarge);
  frame_limit.max_frame_bytes = bytes->size();
  CHECK(decode_event(*bytes, frame_limit).ok());
  // A string above max_string_bytes inside the payload is rejected.
  CodecLimits strings;
  strings.max_string_bytes = 1999;
  CHECK_FALSE(decode_event(*bytes, strings).ok());
}

namespace {
std::string nested_arrays(std::size_t levels, bool innermost_empty) {
  std::string s;
  MsgpackWriter w(s);
  for (std::size_t i = 0; i < levels; ++i) {
    w.array_header(i + 1 == levels && innermost_empty ? 0 : 1);
  }
  if (!innermost_empty) w.uint(1);
  return s;
}
}  // namespace

TEST_CASE("codec: nesting deeper than max_depth is rejected", "[codec]") {
  CodecLimits limits;  // max_depth 32: at most 32 nested containers
  for (bool empty : {false, true}) {
    INFO("innermost empty " << empty);
    CHECK(decode_event(frame_of(with(base_fields(), 11, nested_arrays(32, empty))), limits).ok());
    auto r = decode_event(frame_of(with(base_fields(), 11, nested_arrays(33, empty))), limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    // Inside metadata the metadata map itself is one level.
    std::string md;
    MsgpackWriter w(md);
    w.map_header(1);
    w.str("k");
    w.raw(nested_arrays(31, empty));
    CHECK(decode_event(frame_of(with(base_fields(), 12, md)), limits).ok());
    md.clear();
    w.map_header(1);
    w.str("k");
    w.raw(nested_arrays(32, empty));
    CHECK_FALSE(decode_event(frame_of(with(base_fields(), 12, md)), limits).ok());
  }
  // Very deep input cannot overflow the stack, also with max_depth 0.
  const std::string deep = frame_of(with(base_fields(), 11, nested_arrays(100'000, false)));
  CHECK_FALSE(decode_event(deep).ok());
  std::string md_deep;
  MsgpackWriter w(md_deep);
  w.map_header(1);
  w.str("k");
  w.raw(nested_arrays(100'000, false));
  CodecLimits flat;
  flat.max_depth = 0;
  CHECK_FALSE(decode_event(frame_of(with(base_fields(), 12, md_deep)), flat).ok());
  CHECK(decode_event(frame_of(with(base_fields(), 11, mp_uint(1))), flat).ok());
  CHECK_FALSE(decode_event(frame_of(with(base_fields(), 11, nested_arrays(1, true))), flat).ok());
  CHECK_FALSE(decode_event(frame_of(with(base_fields(), 99, nested_arrays(100'000, true)))).ok());
}

TEST_CASE("codec: huge declared lengths fail fast", "[codec]") {
  const std::vector<std::string> heads = {
      std::string("\xdb\xff\xff\xff\xff", 5),  // str32
      std::string("\xc6\xff\xff\xff\xff", 5),  // bin32
      std::string("\xdd\xff\xff\xff\xff", 5),  // array32
      std::string("\xdf\xff\xff\xff\xff", 5),  // map32
      std::string("\xc9\xff\xff\xff\xff\x01", 6),  // ext32
      std::string("\xdc\xff\xff", 3),          // array16 with nothing after
  };
  for (const auto& h : heads) {
    CHECK_FALSE(decode_event(frame_of(with(base_fields(), 11, h + "abc"))).ok());
    CHECK_FALSE(decode_event(frame_of(with(base_fields(), 12, h))).ok());
    CHECK_FALSE(decode_event(frame_of(with(base_fields(), 1, h + "abc"))).ok());
    CHECK_FALSE(decode_event(frame(kTopic, h)).ok());
    CHECK_FALSE(decode_frame(frame(kTopic, h)).ok());
    CHECK_FALSE(validate_msgpack(h).ok());
  }
}

TEST_CASE("codec: garbage bytes never decode", "[codec]") {
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 2000; ++i) {
    std::string g(static_cast<std::size_t>(i % 97), '\0');
    for (auto& c : g) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x);
    }
    for (const std::string& input : {g, frame(kTopic, g)}) {
      auto r = decode_event(input);
      if (r.ok()) CHECK(validate_event(*r).ok());
    }
  }
  CHECK_FALSE(decode_event(frame(kTopic, std::string(100, '\xc1'))).ok());
  CHECK_FALSE(decode_event(frame(kTopic, std::string(100, '\xff'))).ok());
}

TEST_CASE("codec: validate_msgpack", "[codec]") {
  CHECK(validate_msgpack(pack_value(std::vector<int>{1, 2}).bytes()).ok());
  CHECK_FALSE(validate_msgpack("").ok());
  CHECK_FALSE(validate_msgpack(std::string("\x01\x02", 2)).ok());
  CHECK_FALSE(validate_msgpack("\xc1").ok());
  CodecLimits small;
  small.max_event_bytes = 2;
  CHECK(validate_msgpack(std::string(3, '\x01'), small).error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("codec: decode_event refuses a batch; decode_frame reads both", "[codec]") {
  const std::string map = event_map(base_fields());
  const std::string batch = frame(kTopic, mp_array_header(2) + map + map);
  auto single = decode_event(batch);
  REQUIRE_FALSE(single.ok());
  CHECK(single.error().message().find("batch") != std::string::npos);
  auto all = decode_frame(batch);
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  auto one = decode_frame(frame(kTopic, map));
  REQUIRE(one.ok());
  CHECK(one->size() == 1);
  CHECK(one->front() == all->front());
}

TEST_CASE("codec: decode_event_into reuses an event and resets its optional fields",
          "[codec]") {
  Event full = test::full_event();
  full.source = std::string(40, 's');  // longer than the small-string buffer
  full.type = std::string(40, 't');
  full.correlation_id = std::string(40, 'c');
  full.payload = pack_value(std::string(200, 'p'));
  const Event minimal = test::minimal_event();
  const std::string full_bytes = encode_event(full).value();
  const std::string minimal_bytes = encode_event(minimal).value();
  Event into;
  REQUIRE(decode_event_into(full_bytes, into).ok());
  CHECK(into == full);
  // A minimal event into the same object: target, payload, priority, timestamps,
  // correlation, causation and metadata fall back to their defaults instead of keeping
  // full's.
  REQUIRE(decode_event_into(minimal_bytes, into).ok());
  CHECK(into == decode_event(minimal_bytes).value());
  CHECK(into.target == kBroadcastTarget);
  CHECK(into.metadata.empty());
  CHECK(into.correlation_id.empty());
  CHECK(into.ts == HlcTimestamp{0, 0, minimal.source});
  CHECK(into.payload == Value::nil());

  // Once its buffers are big enough, decoding into the event moves none of them: the
  // same heap blocks, metadata nodes included, hold the next event.
  REQUIRE(decode_event_into(full_bytes, into).ok());
  const char* source = into.source.data();
  const char* type = into.type.data();
  const char* correlation = into.correlation_id.data();
  const char* payload = into.payload.bytes().data();
  std::vector<const Value*> nodes;
  for (const auto& [k, v] : into.metadata) nodes.push_back(&v);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(decode_event_into(full_bytes, into).ok());
    CHECK(into == full);
    CHECK(into.source.data() == source);
    CHECK(into.type.data() == type);
    CHECK(into.correlation_id.data() == correlation);
    CHECK(into.payload.bytes().data() == payload);
    std::vector<const Value*> again;
    for (const auto& [k, v] : into.metadata) again.push_back(&v);
    std::sort(nodes.begin(), nodes.end());
    std::sort(again.begin(), again.end());
    CHECK(again == nodes);  // recycled nodes, not new ones
  }
  // Errors leave a valid object and are reported as for decode_event().
  CHECK(decode_event_into(std::string_view(), into).error().code() == ErrorCode::kInvalid);
  CHECK_FALSE(decode_event_into(full_bytes.substr(0, full_bytes.size() - 1), into).ok());
}

}  // namespace vsm
