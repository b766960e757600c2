// Event codec, encoding side: round trip of every field, defaults omitted, wire form,
// validation, the unsequenced encoding patched in place.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sample_event.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace {
namespace fmt = frame_format;

Event round_trip(const Event& e) {
  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  auto back = decode_event(*bytes);
  INFO((back.ok() ? std::string() : back.error().to_string()));
  REQUIRE(back.ok());
  return std::move(back).value();
}

// The event map of a frame, as msgpack-cxx reads it.
std::map<int, msgpack::object> body_map(const std::string& frame, msgpack::object_handle& oh) {
  const auto sep = frame.find('\0');
  REQUIRE(sep != std::string::npos);
  oh = msgpack::unpack(frame.data() + sep + 1, frame.size() - sep - 1);
  return oh.get().as<std::map<int, msgpack::object>>();
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
  Event e = test::minimal_event();
  e.ts.node = e.source;  // an absent ts.node decodes as the source
  const Event back = round_trip(e);
  CHECK(back == e);
  CHECK(back.target == kBroadcastTarget);
  CHECK(back.priority == kPriorityNormal);
  CHECK(back.ts == HlcTimestamp{0, 0, "s3"});
  CHECK(back.correlation_id.empty());
  CHECK(back.causation_id.empty());
  CHECK(back.metadata.empty());
  CHECK(back.payload.encoded() == std::string_view("\xc0", 1));
}

TEST_CASE("codec: every channel, priority and extreme numbers round trip", "[codec]") {
  for (Channel c : kAllChannels) {
    for (std::uint8_t p = 0; p <= fmt::kMaxPriority; ++p) {
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

TEST_CASE("codec: the frame is topic, 0x00, then a map with integer keys", "[codec]") {
  const Event full = test::full_event();
  auto bytes = encode_event(full);
  REQUIRE(bytes.ok());
  CHECK(bytes->rfind("algedonic/s1.ops-3/overheat" + std::string(1, '\0'), 0) == 0);
  msgpack::object_handle oh;
  auto m = body_map(*bytes, oh);
  CHECK(m.size() == 12);  // every key but the version
  CHECK(m.count(fmt::kKeyVersion) == 0);
  CHECK(m.at(fmt::kKeyId).as<std::vector<char>>().size() == 16);
  CHECK(m.at(fmt::kKeyChannel).as<int>() == 3);
  CHECK(m.at(fmt::kKeySeq).as<std::uint64_t>() == 42);
  CHECK(m.at(fmt::kKeyWallMs).as<std::uint64_t>() == 1'700'000'000'123);
  CHECK(m.at(fmt::kKeyLogical).as<std::uint32_t>() == 7);
  CHECK(m.at(fmt::kKeyNode).as<std::string>() == "node-a");
  CHECK(m.at(fmt::kKeyTarget).as<std::string>() == "s5");
  CHECK(m.at(fmt::kKeyPriority).as<int>() == 3);
  CHECK(m.at(fmt::kKeyCorrelation).as<std::string>() == "corr-1");
  CHECK(m.at(fmt::kKeyCausation).as<std::string>() == "evt_cause");
  CHECK(m.at(fmt::kKeyPayload).as<std::map<std::string, double>>().at("temp") == 97.5);
  CHECK(m.at(fmt::kKeyMetadata).as<std::map<std::string, msgpack::object>>().size() == 3);

  // Defaults are omitted: broadcast (also when empty), normal priority, nil payload,
  // zero timestamps, a node equal to the source, no ids, no metadata.
  for (std::string target : {"", "broadcast"}) {
    Event e = test::minimal_event();
    e.target = target;
    e.ts.node = e.source;
    e.payload = Value::nil();
    auto min = encode_event(e);
    REQUIRE(min.ok());
    msgpack::object_handle oh2;
    auto m2 = body_map(*min, oh2);
    CHECK(m2.size() == 3);
    CHECK(m2.count(fmt::kKeyId) == 1);
    CHECK(m2.count(fmt::kKeyChannel) == 1);
    CHECK(m2.count(fmt::kKeySeq) == 1);
  }
}

TEST_CASE("codec: payload of every msgpack type round trips byte for byte", "[codec]") {
  std::vector<Value> payloads = {
      pack_value(true), pack_value(false),
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
  // No payload and a nil payload are the same event: nil, omitted from the map.
  for (const Value& none : {Value(), Value::nil()}) {
    Event e = test::full_event();
    e.payload = none;
    CHECK(round_trip(e).payload == Value::nil());
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
  CHECK(st.error().message().find("max_event_bytes") != std::string::npos);
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
  { auto x = e; x.id = EventId(); expect_invalid(x); }
  { auto x = e; x.source = "a/b"; expect_invalid(x); }
  { auto x = e; x.source.clear(); expect_invalid(x); }
  { auto x = e; x.source = "caf\xc3"; expect_invalid(x); }  // truncated UTF-8
  { auto x = e; x.type = "bad\n"; expect_invalid(x); }
  { auto x = e; x.type = std::string(256, 't'); expect_invalid(x); }
  { auto x = e; x.type = "\xc0\xaf"; expect_invalid(x); }  // overlong '/'
  { auto x = e; x.target = "x/y"; expect_invalid(x); }
  { auto x = e; x.target = "\xed\xa0\x80"; expect_invalid(x); }  // a surrogate
  { auto x = e; x.ts.node = "n/1"; expect_invalid(x); }
  { auto x = e; x.ts.node = std::string(256, 'n'); expect_invalid(x); }
  { auto x = e; x.channel = static_cast<Channel>(9); expect_invalid(x); }
  { auto x = e; x.priority = fmt::kMaxPriority + 1; expect_invalid(x); }
  // Fields the decoder bounds must be bounded on encode too, otherwise the fabric would
  // emit events that every receiver rejects.
  { auto x = e; x.correlation_id = std::string(256, 'c'); expect_invalid(x); }
  { auto x = e; x.causation_id = std::string(256, 'c'); expect_invalid(x); }
  { auto x = e; x.correlation_id = "\xff"; expect_invalid(x); }
  { auto x = e; x.metadata["\xfe"] = Value::nil(); expect_invalid(x); }
  { auto x = e; x.correlation_id = std::string(255, 'c'); CHECK(round_trip(x).correlation_id == x.correlation_id); }
  { auto x = e; x.source = "s\xc3\xbc\xe2\x9c\x93"; CHECK(round_trip(x).source == x.source); }
}

TEST_CASE("codec: unsequenced encoding is patched in place to the sequenced event",
          "[codec]") {
  Event e = test::full_event();
  std::string out = "prefix";  // the frame is appended; slots are relative to it
  const std::size_t start = out.size();
  auto slots = encode_event_unsequenced(e, e.ts.node, out);
  REQUIRE(slots.ok());
  const std::size_t size = out.size() - start;
  for (std::uint64_t seq : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{300},
                            std::numeric_limits<std::uint64_t>::max()}) {
    e.seq = seq;
    e.ts.wall_ms = seq == 0 ? 0 : 1'700'000'000'123 + seq % 7;
    e.ts.logical = static_cast<std::uint32_t>(seq % 70'000);
    patch_sequence(out.data() + start, *slots, e.ts.wall_ms, e.ts.logical, e.seq);
    CHECK(out.size() - start == size);  // fixed width: patching never moves a byte
    auto back = decode_event(std::string_view(out).substr(start));
    REQUIRE(back.ok());
    CHECK(*back == e);
  }
  // The publisher's own name as ts.node is omitted when it is also the source.
  std::string own;
  REQUIRE(encode_event_unsequenced(e, e.source, own).ok());
  CHECK(own.size() + 2 + e.ts.node.size() == size);  // key, str header, name
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
// The frame as MsgpackWriter (the reference smallest-form writer) builds it.
std::string reference_frame(const Event& e) {
  std::string out = make_topic(e.channel, e.source, e.type);
  out.push_back('\0');
  MsgpackWriter w(out);
  std::vector<std::pair<std::uint8_t, std::string>> fields;
  const auto add = [&](std::uint8_t key, auto&& write) {
    std::string v;
    MsgpackWriter vw(v);
    write(vw);
    fields.emplace_back(key, std::move(v));
  };
  add(fmt::kKeyId, [&](MsgpackWriter& v) { v.bin(e.id.bytes()); });
  add(fmt::kKeyChannel, [&](MsgpackWriter& v) { v.uint(static_cast<std::uint8_t>(e.channel)); });
  add(fmt::kKeySeq, [&](MsgpackWriter& v) { v.uint(e.seq); });
  if (e.ts.wall_ms) add(fmt::kKeyWallMs, [&](MsgpackWriter& v) { v.uint(e.ts.wall_ms); });
  if (e.ts.logical) add(fmt::kKeyLogical, [&](MsgpackWriter& v) { v.uint(e.ts.logical); });
  if (!e.ts.node.empty() && e.ts.node != e.source) {
    add(fmt::kKeyNode, [&](MsgpackWriter& v) { v.str(e.ts.node); });
  }
  if (e.target != kBroadcastTarget) add(fmt::kKeyTarget, [&](MsgpackWriter& v) { v.str(e.target); });
  if (e.priority != 1) add(fmt::kKeyPriority, [&](MsgpackWriter& v) { v.uint(e.priority); });
  if (!e.correlation_id.empty()) {
    add(fmt::kKeyCorrelation, [&](MsgpackWriter& v) { v.str(e.correlation_id); });
  }
  if (!e.causation_id.empty()) {
    add(fmt::kKeyCausation, [&](MsgpackWriter& v) { v.str(e.causation_id); });
  }
  if (e.payload.encoded() != std::string_view("\xc0", 1)) {
    add(fmt::kKeyPayload, [&](MsgpackWriter& v) { v.raw(e.payload.encoded()); });
  }
  if (!e.metadata.empty()) {
    add(fmt::kKeyMetadata, [&](MsgpackWriter& v) {
      v.map_header(static_cast<std::uint32_t>(e.metadata.size()));
      for (const auto& [k, val] : e.metadata) {
        v.str(k);
        v.raw(val.encoded());
      }
    });
  }
  w.map_header(static_cast<std::uint32_t>(fields.size()));
  for (const auto& [k, v] : fields) {
    w.uint(k);
    w.raw(v);
  }
  return out;
}
}  // namespace

TEST_CASE("codec: encoding is byte for byte the smallest form MsgpackWriter emits", "[codec]") {
  std::vector<Event> events = {test::full_event()};
  for (std::size_t n : {31u, 32u, 255u}) {
    Event e = test::full_event();
    e.source = std::string(n, 's');
    e.correlation_id = std::string(n, 'c');
    e.target = std::string(n, 't');
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
    CHECK(*bytes == reference_frame(e));
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
