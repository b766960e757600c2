// Envelope codec, encoding side: round trip of every field, wire form, validation.
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

Event round_trip(const Event& e) {
  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  auto back = decode_event(*bytes);
  INFO((back.ok() ? std::string() : back.error().to_string()));
  REQUIRE(back.ok());
  return std::move(back).value();
}

}  // namespace

TEST_CASE("codec: full event round trips every field", "[codec]") {
  const Event e = test::full_event();
  const Event back = round_trip(e);
  CHECK(back.id == e.id);
  CHECK(back.source == e.source);
  CHECK(back.target == e.target);
  CHECK(back.channel == e.channel);
  CHECK(back.type == e.type);
  CHECK(back.payload == e.payload);
  CHECK(back.ts == e.ts);
  CHECK(back.priority == kPriorityCritical);
  CHECK(back.correlation_id == e.correlation_id);
  CHECK(back.causation_id == e.causation_id);
  CHECK(back.seq == e.seq);
  CHECK(back.metadata == e.metadata);
  CHECK(back == e);
  auto temp = unpack_value<std::map<std::string, double>>(back.payload);
  REQUIRE(temp.ok());
  CHECK(temp->at("temp") == 97.5);
}

TEST_CASE("codec: minimal event round trips with defaults", "[codec]") {
  const Event e = test::minimal_event();
  const Event back = round_trip(e);
  CHECK(back == e);
  CHECK(back.target == kBroadcastTarget);
  CHECK(back.priority == kPriorityNormal);
  CHECK(back.correlation_id.empty());
  CHECK(back.causation_id.empty());
  CHECK(back.metadata.empty());
  CHECK(back.payload.encoded() == std::string_view("\xc0", 1));
}

TEST_CASE("codec: every channel, priority and extreme numbers round trip", "[codec]") {
  for (Channel c : kAllChannels) {
    for (std::uint8_t p = 0; p <= envelope_format::kMaxPriority; ++p) {
      Event e = test::minimal_event();
      e.channel = c;
      e.priority = p;
      e.seq = std::numeric_limits<std::uint64_t>::max();
      e.ts = HlcTimestamp{std::numeric_limits<std::uint64_t>::max(),
                          std::numeric_limits<std::uint32_t>::max(), std::string(255, 'n')};
      CHECK(round_trip(e) == e);
    }
  }
}

TEST_CASE("codec: wire form is readable by msgpack-cxx", "[codec]") {
  auto bytes = encode_event(test::full_event());
  REQUIRE(bytes.ok());
  auto oh = msgpack::unpack(bytes->data(), bytes->size());
  auto m = oh.get().as<std::map<std::string, msgpack::object>>();
  CHECK(m.at("v").as<std::uint64_t>() == envelope_format::kEnvelopeVersion);
  CHECK(m.at("id").as<std::string>() == test::full_event().id);
  CHECK(m.at("src").as<std::string>() == "s1.ops-3");
  CHECK(m.at("tgt").as<std::string>() == "s5");
  CHECK(m.at("ch").as<std::string>() == "algedonic");
  CHECK(m.at("typ").as<std::string>() == "overheat");
  CHECK(m.at("pri").as<int>() == 3);
  CHECK(m.at("cid").as<std::string>() == "corr-1");
  CHECK(m.at("cau").as<std::string>() == "evt_cause");
  CHECK(m.at("seq").as<std::uint64_t>() == 42);
  auto ts = m.at("ts").as<std::tuple<std::uint64_t, std::uint32_t, std::string>>();
  CHECK(std::get<0>(ts) == 1'700'000'000'123);
  CHECK(std::get<1>(ts) == 7);
  CHECK(std::get<2>(ts) == "node-a");
  CHECK(m.at("pl").as<std::map<std::string, double>>().at("temp") == 97.5);
  CHECK(m.at("md").as<std::map<std::string, msgpack::object>>().size() == 3);

  // Defaults are omitted; an empty target is sent as "broadcast".
  Event e = test::minimal_event();
  e.target.clear();
  auto min = encode_event(e);
  REQUIRE(min.ok());
  auto oh2 = msgpack::unpack(min->data(), min->size());
  auto m2 = oh2.get().as<std::map<std::string, msgpack::object>>();
  CHECK(m2.count("pri") == 0);
  CHECK(m2.count("cid") == 0);
  CHECK(m2.count("cau") == 0);
  CHECK(m2.count("md") == 0);
  CHECK(m2.at("tgt").as<std::string>() == "broadcast");
  CHECK(m2.at("pl").is_nil());
}

TEST_CASE("codec: payload of every msgpack type round trips byte for byte", "[codec]") {
  std::vector<Value> payloads = {
      Value(), Value::nil(), pack_value(true), pack_value(false),
      pack_value(std::uint8_t{0}), pack_value(std::uint64_t{127}), pack_value(std::uint64_t{128}),
      pack_value(std::uint64_t{65535}), pack_value(std::uint64_t{65536}),
      pack_value(std::uint64_t{0xffffffffULL}), pack_value(std::numeric_limits<std::uint64_t>::max()),
      pack_value(std::int64_t{-1}), pack_value(std::int64_t{-33}), pack_value(std::int64_t{-129}),
      pack_value(std::int64_t{-32769}), pack_value(std::numeric_limits<std::int64_t>::min()),
      pack_value(1.5f), pack_value(-2.25), pack_value(std::string()), pack_value(std::string(31, 'a')),
      pack_value(std::string(32, 'b')), pack_value(std::string(256, 'c')),
      pack_value(std::string(70'000, 'd')), pack_value(std::vector<char>{'\0', '\xff'}),
      pack_value(std::vector<char>(300, 'x')), pack_value(std::vector<char>(70'000, 'y')),
      pack_value(std::vector<int>{}), pack_value(std::vector<int>(15, 1)),
      pack_value(std::vector<int>(16, 2)), pack_value(std::map<std::string, int>{}),
      pack_value(std::map<int, int>{{1, 2}, {3, 4}}),
      pack_value(std::vector<std::map<std::string, std::vector<double>>>{{{"k", {1.0, 2.0}}}})};
  for (std::uint32_t n : {1u, 2u, 4u, 8u, 16u, 3u, 300u, 70'000u}) {
    std::string data(n, 'e');
    payloads.push_back(pack_value(msgpack::type::ext(5, data.data(), n)));
  }
  for (const Value& p : payloads) {
    Event e = test::full_event();
    e.payload = p;
    e.metadata["p"] = p;
    const Event back = round_trip(e);
    CHECK(back.payload.encoded() == p.encoded());
    CHECK(back.metadata.at("p").encoded() == p.encoded());
  }
}

TEST_CASE("codec: encode appends to a reused buffer and restores it on failure", "[codec]") {
  std::string out = "prefix";
  REQUIRE(encode_event(test::minimal_event(), out).ok());
  CHECK(out.substr(0, 6) == "prefix");
  CHECK(decode_event(std::string_view(out).substr(6)).ok());

  CodecLimits tiny;
  tiny.max_event_bytes = 40;
  std::string kept = "keep";
  auto st = encode_event(test::full_event(), kept, tiny);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kTooLarge);
  CHECK(kept == "keep");
}

TEST_CASE("codec: validate_event rejects invalid fields", "[codec]") {
  auto expect_invalid = [](Event e) {
    auto st = validate_event(e);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code() == ErrorCode::kInvalid);
    std::string out;
    CHECK_FALSE(encode_event(e, out).ok());
    CHECK(out.empty());
  };
  Event e = test::minimal_event();
  REQUIRE(validate_event(e).ok());
  { auto x = e; x.id.clear(); expect_invalid(x); }
  { auto x = e; x.id = std::string(256, 'i'); expect_invalid(x); }
  { auto x = e; x.source = "a/b"; expect_invalid(x); }
  { auto x = e; x.source.clear(); expect_invalid(x); }
  { auto x = e; x.type = "bad\n"; expect_invalid(x); }
  { auto x = e; x.type = std::string(256, 't'); expect_invalid(x); }
  { auto x = e; x.target = "x/y"; expect_invalid(x); }
  { auto x = e; x.channel = static_cast<Channel>(9); expect_invalid(x); }
  { auto x = e; x.priority = envelope_format::kMaxPriority + 1; expect_invalid(x); }
  // Fields the decoder bounds to 255 bytes must be bounded on encode too, otherwise the
  // fabric would emit envelopes that every receiver rejects.
  { auto x = e; x.correlation_id = std::string(256, 'c'); expect_invalid(x); }
  { auto x = e; x.causation_id = std::string(256, 'c'); expect_invalid(x); }
  { auto x = e; x.ts.node = std::string(256, 'n'); expect_invalid(x); }
  { auto x = e; x.correlation_id = std::string(255, 'c'); CHECK(round_trip(x) == x); }
}

TEST_CASE("codec: unsequenced encoding is patched in place to the sequenced event",
          "[codec]") {
  Event e = test::full_event();
  std::string out = "prefix";  // the envelope is appended; slots are relative to it
  const std::size_t start = out.size();
  auto slots = encode_event_unsequenced(e, e.ts.node, out);
  REQUIRE(slots.ok());
  for (std::uint64_t seq : {std::uint64_t{1}, std::uint64_t{300},
                            std::numeric_limits<std::uint64_t>::max()}) {
    e.seq = seq;
    e.ts.wall_ms = 1'700'000'000'123 + seq % 7;
    e.ts.logical = static_cast<std::uint32_t>(seq % 70'000);
    patch_sequence(out.data() + start, *slots, e.ts.wall_ms, e.ts.logical, e.seq);
    auto back = decode_event(std::string_view(out).substr(start));
    REQUIRE(back.ok());
    CHECK(*back == e);
  }
  // Same limits as encode_event(); the event itself was validated by the caller.
  std::string kept = "x";
  CHECK_FALSE(encode_event_unsequenced(e, std::string(256, 'n'), kept).ok());
  CodecLimits tiny;
  tiny.max_event_bytes = 16;
  auto big = encode_event_unsequenced(e, "n", kept, tiny);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == ErrorCode::kTooLarge);
  CHECK(kept == "x");
}

namespace {
// The envelope as MsgpackWriter (the reference smallest-form writer) builds it.
std::string reference_envelope(const Event& e) {
  std::string out;
  MsgpackWriter w(out);
  std::uint32_t fields = 9;
  fields += e.priority != kPriorityNormal;
  fields += !e.correlation_id.empty();
  fields += !e.causation_id.empty();
  fields += !e.metadata.empty();
  w.map_header(fields);
  w.str("v");
  w.uint(envelope_format::kEnvelopeVersion);
  w.str("id");
  w.str(e.id);
  w.str("src");
  w.str(e.source);
  w.str("tgt");
  w.str(e.target.empty() ? kBroadcastTarget : std::string_view(e.target));
  w.str("ch");
  w.str(channel_name(e.channel));
  w.str("typ");
  w.str(e.type);
  w.str("pl");
  w.raw(e.payload.encoded());
  w.str("ts");
  w.array_header(3);
  w.uint(e.ts.wall_ms);
  w.uint(e.ts.logical);
  w.str(e.ts.node);
  w.str("seq");
  w.uint(e.seq);
  if (e.priority != kPriorityNormal) {
    w.str("pri");
    w.uint(e.priority);
  }
  if (!e.correlation_id.empty()) {
    w.str("cid");
    w.str(e.correlation_id);
  }
  if (!e.causation_id.empty()) {
    w.str("cau");
    w.str(e.causation_id);
  }
  if (!e.metadata.empty()) {
    w.str("md");
    w.map_header(static_cast<std::uint32_t>(e.metadata.size()));
    for (const auto& [k, v] : e.metadata) {
      w.str(k);
      w.raw(v.encoded());
    }
  }
  return out;
}
}  // namespace

TEST_CASE("codec: encoding is byte for byte the smallest form MsgpackWriter emits", "[codec]") {
  std::vector<Event> events = {test::full_event(), test::minimal_event()};
  for (std::size_t n : {31u, 32u, 255u}) {
    Event e = test::full_event();
    e.id = std::string(n, 'i');
    e.source = std::string(n, 's');
    e.correlation_id = std::string(n, 'c');
    events.push_back(e);
  }
  for (std::uint64_t v : {std::uint64_t{127}, std::uint64_t{128}, std::uint64_t{256},
                          std::uint64_t{65'536}, std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
    Event e = test::full_event();
    e.seq = v;
    e.ts.wall_ms = v;
    e.ts.logical = static_cast<std::uint32_t>(v);
    events.push_back(e);
  }
  Event many = test::full_event();
  for (int i = 0; i < 20; ++i) many.metadata["k" + std::to_string(i)] = pack_value(i);
  many.payload = pack_value(std::string(70'000, 'p'));
  events.push_back(many);
  for (const Event& e : events) {
    auto bytes = encode_event(e);
    REQUIRE(bytes.ok());
    CHECK(*bytes == reference_envelope(e));
  }
}

TEST_CASE("codec: names are valid exactly when is_valid_name says so", "[codec]") {
  for (int c = 0; c < 256; ++c) {
    const std::string b(1, static_cast<char>(c));
    // Alone, inside the first 8-byte word, in the second one, and in the short tail.
    for (const std::string& name : {b, "ab" + b + "cdefghijklmnopq", "abcdefghi" + b + "jklmnop",
                                    "abcdefghijklmnop" + b}) {
      Event e = test::minimal_event();
      e.source = name;
      e.type = name;
      e.target = name;
      INFO("byte " << c);
      CHECK(validate_event(e).ok() == is_valid_name(name));
    }
  }
  Event e = test::minimal_event();
  e.source = std::string(kMaxNameBytes, 'a');
  CHECK(validate_event(e).ok());
  e.source.push_back('a');
  CHECK_FALSE(validate_event(e).ok());
}

}  // namespace vsm
