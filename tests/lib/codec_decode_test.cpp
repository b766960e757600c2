// Envelope codec, decoding side: hand-built envelopes and every rejection path.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sample_event.hpp"
#include "vsm/codec.hpp"
#include "vsm/envelope_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;  // key -> encoded value

std::string mp_uint(std::uint64_t v) {
  std::string s;
  MsgpackWriter(s).uint(v);
  return s;
}
std::string mp_int(std::int64_t v) {
  std::string s;
  MsgpackWriter(s).int64(v);
  return s;
}
std::string mp_str(std::string_view v) {
  std::string s;
  MsgpackWriter(s).str(v);
  return s;
}
std::string mp_bin(std::string_view v) {
  std::string s;
  MsgpackWriter(s).bin(v);
  return s;
}
std::string mp_ts(std::uint64_t wall, std::uint64_t logical, std::string_view node) {
  std::string s;
  MsgpackWriter w(s);
  w.array_header(3);
  w.uint(wall);
  w.uint(logical);
  w.str(node);
  return s;
}

// The required fields of a valid envelope, as hand-encoded key/value pairs.
Fields base_fields() {
  return {{"v", mp_uint(1)},        {"id", mp_str("evt_1")},       {"src", mp_str("s1")},
          {"ch", mp_str("command")}, {"typ", mp_str("t")},          {"ts", mp_ts(10, 2, "n")},
          {"seq", mp_uint(5)}};
}

std::string build(const Fields& fields) {
  std::string s;
  MsgpackWriter w(s);
  w.map_header(static_cast<std::uint32_t>(fields.size()));
  for (const auto& [k, v] : fields) {
    w.str(k);
    w.raw(v);
  }
  return s;
}

Fields with(Fields f, const std::string& key, std::string value) {
  for (auto& kv : f) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return f;
    }
  }
  f.emplace_back(key, std::move(value));
  return f;
}

Fields without(Fields f, const std::string& key) {
  std::erase_if(f, [&](const auto& kv) { return kv.first == key; });
  return f;
}

Event round_trip(const Event& e) {
  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  auto back = decode_event(*bytes);
  INFO((back.ok() ? std::string() : back.error().to_string()));
  REQUIRE(back.ok());
  return std::move(back).value();
}

}  // namespace

TEST_CASE("codec: hand-built envelope decodes; unknown keys are skipped", "[codec]") {
  auto r = decode_event(build(base_fields()));
  REQUIRE(r.ok());
  CHECK(r->id == "evt_1");
  CHECK(r->ts == HlcTimestamp{10, 2, "n"});
  CHECK(r->seq == 5);

  std::string unknown;
  {
    MsgpackWriter w(unknown);
    w.map_header(1);
    w.str("a");
    w.array_header(2);
    w.uint(1);
    w.str("x");
  }
  auto f = with(base_fields(), "zz", unknown);
  f.insert(f.begin(), {"future", mp_bin("blob")});
  auto r2 = decode_event(build(f));
  REQUIRE(r2.ok());
  CHECK(*r2 == *r);
  // Older version numbers are accepted.
  CHECK(decode_event(build(with(base_fields(), "v", mp_uint(0)))).ok());
  // Keys may come in any order.
  Fields rev = base_fields();
  std::reverse(rev.begin(), rev.end());
  CHECK(decode_event(build(rev)).ok());
}

TEST_CASE("codec: empty target decodes as broadcast", "[codec]") {
  auto r = decode_event(build(with(base_fields(), "tgt", mp_str(""))));
  REQUIRE(r.ok());
  CHECK(r->target == kBroadcastTarget);
  CHECK(round_trip(*r) == *r);
}

TEST_CASE("codec: newer version is unsupported", "[codec]") {
  auto r = decode_event(build(with(base_fields(), "v", mp_uint(envelope_format::kEnvelopeVersion + 1))));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kUnsupported);
  CHECK(r.error().message().find("upgrade") != std::string::npos);
}

TEST_CASE("codec: missing required keys are named", "[codec]") {
  for (const char* key : {"v", "id", "src", "ch", "typ", "ts", "seq"}) {
    auto r = decode_event(build(without(base_fields(), key)));
    INFO(key);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK(r.error().message().find(std::string("'") + key + "'") != std::string::npos);
  }
}

TEST_CASE("codec: wrong types for each key are rejected", "[codec]") {
  std::string float_v;
  MsgpackWriter(float_v).float64(1.0);
  std::string arr2;
  {
    MsgpackWriter w(arr2);
    w.array_header(2);
    w.uint(1);
    w.uint(2);
  }
  std::string md_list;
  {
    MsgpackWriter w(md_list);
    w.array_header(1);
    w.uint(1);
  }
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
    w.raw("\xc1");
  }
  const std::string nil(1, '\xc0');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"v", mp_str("1")}, {"v", mp_int(-1)}, {"v", float_v}, {"v", nil},
      {"id", mp_uint(5)}, {"id", mp_bin("evt")}, {"id", nil}, {"id", mp_str("")},
      {"id", mp_str(std::string(256, 'i'))},
      {"src", mp_uint(5)}, {"src", mp_str("")}, {"src", mp_str("a/b")}, {"src", mp_str("a\x01")},
      {"tgt", mp_uint(5)}, {"tgt", mp_str("a/b")},
      {"ch", mp_uint(1)}, {"ch", mp_str("bogus")}, {"ch", mp_str("Command")},
      {"typ", mp_uint(5)}, {"typ", mp_str("")},
      {"pl", "\xc1"}, {"pl", std::string("\xd9\x05" "ab", 4)},
      {"ts", mp_uint(1)}, {"ts", arr2}, {"ts", mp_ts(1, 0x1'0000'0000ULL, "n")},
      {"ts", build({})},
      {"pri", mp_uint(4)}, {"pri", mp_str("1")}, {"pri", mp_int(-1)},
      {"cid", mp_uint(5)}, {"cid", mp_str(std::string(256, 'c'))}, {"cau", mp_uint(5)},
      {"seq", mp_int(-1)}, {"seq", mp_str("5")}, {"seq", float_v},
      {"md", md_list}, {"md", md_int_key}, {"md", md_bad_value}, {"md", nil},
  };
  for (const auto& [key, value] : cases) {
    auto r = decode_event(build(with(base_fields(), key, value)));
    INFO(key);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK_FALSE(r.error().message().empty());
  }
  // A ts element of the wrong type.
  std::string ts_bad;
  {
    MsgpackWriter w(ts_bad);
    w.array_header(3);
    w.str("x");
    w.uint(0);
    w.str("n");
  }
  CHECK_FALSE(decode_event(build(with(base_fields(), "ts", ts_bad))).ok());
  std::string ts_bad_node;
  {
    MsgpackWriter w(ts_bad_node);
    w.array_header(3);
    w.uint(1);
    w.uint(0);
    w.uint(7);
  }
  CHECK_FALSE(decode_event(build(with(base_fields(), "ts", ts_bad_node))).ok());
}

TEST_CASE("codec: non-map envelopes and non-string keys are rejected", "[codec]") {
  CHECK(decode_event("").error().code() == ErrorCode::kInvalid);
  CHECK_FALSE(decode_event(mp_uint(1)).ok());
  CHECK_FALSE(decode_event(mp_str("hello")).ok());
  std::string int_key;
  {
    MsgpackWriter w(int_key);
    w.map_header(1);
    w.uint(1);
    w.uint(1);
  }
  CHECK_FALSE(decode_event(int_key).ok());
  std::string many;
  MsgpackWriter(many).map_header(65);
  CHECK_FALSE(decode_event(many).ok());
}

TEST_CASE("codec: every truncation of a valid envelope is rejected", "[codec]") {
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
  for (std::string extra : {std::string(1, '\0'), std::string(1, '\xc0'), *bytes}) {
    auto r = decode_event(*bytes + extra);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("trailing") != std::string::npos);
  }
}

TEST_CASE("codec: oversize events are rejected on both sides", "[codec]") {
  Event e = test::minimal_event();
  e.payload = pack_value(std::string(2000, 'x'));
  CodecLimits limits;
  limits.max_event_bytes = 1000;
  auto enc = encode_event(e, limits);
  REQUIRE_FALSE(enc.ok());
  CHECK(enc.error().code() == ErrorCode::kTooLarge);
  CHECK(enc.error().message().find("max_event_bytes") != std::string::npos);

  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  auto dec = decode_event(*bytes, limits);
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code() == ErrorCode::kTooLarge);

  // Exactly at the limit is fine.
  limits.max_event_bytes = bytes->size();
  CHECK(decode_event(*bytes, limits).ok());
  CHECK(encode_event(e, limits).ok());
  // A string above max_string_bytes inside the payload is rejected.
  limits.max_string_bytes = 1999;
  CHECK_FALSE(decode_event(*bytes, limits).ok());
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
    CHECK(decode_event(build(with(base_fields(), "pl", nested_arrays(32, empty))), limits).ok());
    auto r = decode_event(build(with(base_fields(), "pl", nested_arrays(33, empty))), limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    // Inside metadata the md map itself is one level.
    std::string md;
    MsgpackWriter w(md);
    w.map_header(1);
    w.str("k");
    w.raw(nested_arrays(31, empty));
    CHECK(decode_event(build(with(base_fields(), "md", md)), limits).ok());
    md.clear();
    w.map_header(1);
    w.str("k");
    w.raw(nested_arrays(32, empty));
    CHECK_FALSE(decode_event(build(with(base_fields(), "md", md)), limits).ok());
  }
  // Very deep input cannot overflow the stack, also with max_depth 0.
  const std::string deep = build(with(base_fields(), "pl", nested_arrays(100'000, false)));
  CHECK_FALSE(decode_event(deep).ok());
  std::string md_deep;
  MsgpackWriter w(md_deep);
  w.map_header(1);
  w.str("k");
  w.raw(nested_arrays(100'000, false));
  CodecLimits flat;
  flat.max_depth = 0;
  CHECK_FALSE(decode_event(build(with(base_fields(), "md", md_deep)), flat).ok());
  CHECK(decode_event(build(with(base_fields(), "pl", mp_uint(1))), flat).ok());
  CHECK_FALSE(decode_event(build(with(base_fields(), "pl", nested_arrays(1, true))), flat).ok());
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
    CHECK_FALSE(decode_event(build(with(base_fields(), "pl", h + "abc"))).ok());
    CHECK_FALSE(decode_event(build(with(base_fields(), "md", h))).ok());
    CHECK_FALSE(decode_event(build(with(base_fields(), "id", h + "abc"))).ok());
    CHECK_FALSE(decode_event(h).ok());
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
    auto r = decode_event(g);
    if (r.ok()) CHECK(validate_event(*r).ok());
  }
  CHECK_FALSE(decode_event(std::string(100, '\xc1')).ok());
  CHECK_FALSE(decode_event(std::string(100, '\xff')).ok());
}

TEST_CASE("codec: duplicate keys keep the last value", "[codec]") {
  auto f = base_fields();
  f.emplace_back("seq", mp_uint(9));
  auto r = decode_event(build(f));
  REQUIRE(r.ok());
  CHECK(r->seq == 9);
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

TEST_CASE("codec: decode_event_into reuses an event and resets its optional fields",
          "[codec]") {
  const Event full = test::full_event();
  const Event minimal = test::minimal_event();
  const std::string full_bytes = encode_event(full).value();
  const std::string minimal_bytes = encode_event(minimal).value();
  Event into;
  REQUIRE(decode_event_into(full_bytes, into).ok());
  CHECK(into == full);
  const auto* id_buffer = into.id.data();
  // A minimal envelope into the same object: target, payload, priority, correlation,
  // causation and metadata fall back to their defaults instead of keeping full's.
  REQUIRE(decode_event_into(minimal_bytes, into).ok());
  CHECK(into == decode_event(minimal_bytes).value());
  CHECK(into.target == kBroadcastTarget);
  CHECK(into.metadata.empty());
  CHECK(into.correlation_id.empty());
  REQUIRE(decode_event_into(full_bytes, into).ok());
  CHECK(into == full);
  CHECK(into.id.data() == id_buffer);  // the id's heap buffer was reused
  // Errors leave a valid object and are reported as for decode_event().
  CHECK(decode_event_into(std::string_view(), into).error().code() == ErrorCode::kInvalid);
  CHECK_FALSE(decode_event_into(full_bytes.substr(0, full_bytes.size() - 1), into).ok());
}

}  // namespace vsm
