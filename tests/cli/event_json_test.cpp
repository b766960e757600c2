// Unit tests for cli/src/event_json, event_format and base64.
#include "event_json.hpp"

#include <catch2/catch.hpp>

#include "base64.hpp"
#include "event_format.hpp"
#include "vsm/codec.hpp"
#include "vsm/value_pack.hpp"

using nlohmann::json;
using vsmcat::event_from_json;
using vsmcat::event_to_json;

namespace {

vsm::Event full_event() {
  vsm::Event e;
  e.id = vsm::EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value();
  e.source = "s1.ops-3";
  e.target = "s5";
  e.channel = vsm::Channel::kAlgedonic;
  e.type = "overheat";
  e.payload = vsmcat::value_from_json(
                  json::parse(R"({"a":[1,-2,3.5,true,null,"x"],"b":{"$binary":"AAEC/w=="},
                                   "c":{"n":18446744073709551615}})"),
                  "payload")
                  .value();
  e.ts = vsm::HlcTimestamp{1'700'000'000'123, 7, "node-a"};
  e.priority = vsm::kPriorityCritical;
  e.correlation_id = "corr-1";
  e.causation_id = "evt_cause";
  e.seq = 42;
  e.metadata["severity"] = vsm::Value::string("high");
  e.metadata["int_keys"] = vsm::pack_value(std::map<int, int>{{1, 2}});
  e.metadata["ext"] = vsm::Value::from_encoded(std::string("\xd4\x05\x2a", 3));  // fixext1
  return e;
}

}  // namespace

TEST_CASE("event_to_json names every envelope field") {
  json j = event_to_json(full_event());
  CHECK(j["id"] == "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60");
  CHECK(j["source"] == "s1.ops-3");
  CHECK(j["target"] == "s5");
  CHECK(j["channel"] == "algedonic");
  CHECK(j["type"] == "overheat");
  CHECK(j["payload"]["a"] == json::parse(R"([1,-2,3.5,true,null,"x"])"));
  CHECK(j["payload"]["b"] == json{{"$binary", "AAEC/w=="}});
  CHECK(j["payload"]["c"]["n"] == 18446744073709551615ULL);
  CHECK(j["ts"] == json{{"wall_ms", 1'700'000'000'123ULL}, {"logical", 7}, {"node", "node-a"}});
  CHECK(j["priority"] == 3);
  CHECK(j["correlation_id"] == "corr-1");
  CHECK(j["causation_id"] == "evt_cause");
  CHECK(j["seq"] == 42);
  CHECK(j["metadata"]["severity"] == "high");
  CHECK(j["metadata"]["int_keys"].contains("$msgpack"));
  CHECK(j["metadata"]["ext"] == json{{"$binary", "Kg=="}, {"$ext", 5}});
}

TEST_CASE("absent optional ids are null and an empty payload is null") {
  vsm::Event e;
  e.id = vsm::EventId::generate();
  e.source = "s";
  e.type = "t";
  json j = event_to_json(e);
  CHECK(j["correlation_id"].is_null());
  CHECK(j["causation_id"].is_null());
  CHECK(j["payload"].is_null());
  CHECK(j["target"] == "broadcast");
  CHECK(j["metadata"] == json::object());
}

TEST_CASE("event_from_json inverts event_to_json, also through the codec") {
  const vsm::Event e = full_event();
  auto back = event_from_json(event_to_json(e));
  REQUIRE(back.ok());
  CHECK(*back == e);
  auto wire = vsm::encode_event(e);
  REQUIRE(wire.ok());
  auto decoded = vsm::decode_event(*wire);
  REQUIRE(decoded.ok());
  CHECK(event_to_json(*decoded) == event_to_json(e));
}

TEST_CASE("defaults fill missing fields; JSON fields win") {
  vsmcat::EventDefaults d;
  d.channel = vsm::Channel::kAudit;
  d.type = "dt";
  d.source = "ds";
  d.target = "s1";
  d.priority = 2;
  auto e = event_from_json(json::parse(R"({"type":"own","payload":{"k":1}})"), d);
  REQUIRE(e.ok());
  CHECK(e->channel == vsm::Channel::kAudit);
  CHECK(e->type == "own");
  CHECK(e->source == "ds");
  CHECK(e->target == "s1");
  CHECK(e->priority == 2);
  CHECK(e->id.is_nil());  // publish() assigns it
}

TEST_CASE("event_from_json rejects bad input with the field name") {
  auto msg = [](const char* text) {
    auto e = event_from_json(json::parse(text));
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code() == vsm::ErrorCode::kInvalid);
    return e.error().message();
  };
  CHECK_THAT(msg(R"([1,2])"), Catch::Contains("JSON object"));
  CHECK_THAT(msg(R"({"type":"t"})"), Catch::Contains("no channel"));
  CHECK_THAT(msg(R"({"channel":"audit"})"), Catch::Contains("no type"));
  CHECK_THAT(msg(R"({"channel":"nope","type":"t"})"), Catch::Contains("unknown channel 'nope'"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"a/b"})"), Catch::Contains("field 'type'"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","priority":4})"), Catch::Contains("priority"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","seq":-1})"), Catch::Contains("seq"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","id":"evt_1"})"), Catch::Contains("field 'id'"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","source":5})"),
             Catch::Contains("must be a string"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","colour":1})"),
             Catch::Contains("unknown field 'colour'"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","ts":{"wall":1}})"), Catch::Contains("ts.wall"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","metadata":[]})"), Catch::Contains("metadata"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","payload":{"$binary":"!!"}})"),
             Catch::Contains("base64"));
  CHECK_THAT(msg(R"({"channel":"audit","type":"t","payload":{"$msgpack":"wQ=="}})"),
             Catch::Contains("$msgpack"));  // 0xc1 is never valid msgpack
}

TEST_CASE("priority names are accepted") {
  auto e = event_from_json(json::parse(R"({"channel":"audit","type":"t","priority":"high"})"));
  REQUIRE(e.ok());
  CHECK(e->priority == 2);
}

TEST_CASE("maps shaped like the special forms survive as $msgpack") {
  auto v = vsmcat::value_from_json(json::parse(R"({"$msgpack":"gaZiaW5hcnmiYWI="})"), "p");
  REQUIRE(v.ok());  // {"binary": "ab"} - a plain map, round-trips as itself
  CHECK(vsmcat::value_to_json(*v) == json{{"binary", "ab"}});
  auto shaped = vsm::pack_value(std::map<std::string, std::string>{{"$binary", "x"}});
  json j = vsmcat::value_to_json(shaped);
  REQUIRE(j.contains("$msgpack"));
  auto back = vsmcat::value_from_json(j, "p");
  REQUIRE(back.ok());
  CHECK(*back == shaped);
}

TEST_CASE("base64 round-trips and rejects non-canonical text") {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\xff", 2)}) {
    auto d = vsmcat::base64_decode(vsmcat::base64_encode(s));
    REQUIRE(d);
    CHECK(*d == s);
  }
  CHECK(vsmcat::base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(vsmcat::base64_decode("Zm9"));
  CHECK_FALSE(vsmcat::base64_decode("Zm=v"));
  CHECK_FALSE(vsmcat::base64_decode("Zm9v!A=="));
}

TEST_CASE("-f format tokens and escapes") {
  auto f = vsmcat::EventFormat::parse("%T|%c|%s|%t|%p|%i|%S|%g|%k|%K|%P|%%\\t\\n");
  REQUIRE(f.ok());
  std::string out;
  f->format(full_event(), out);
  CHECK(
      out ==
      "2023-11-14T22:13:20.123Z|algedonic|s1.ops-3|overheat|"
      R"({"a":[1,-2,3.5,true,null,"x"],"b":{"$binary":"AAEC/w=="},"c":{"n":18446744073709551615}})"
      "|evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60|42|s5|corr-1|evt_cause|3|%\t\n");
  auto bad = vsmcat::EventFormat::parse("%c %x");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("'%x' at offset 3"));
  CHECK_FALSE(vsmcat::EventFormat::parse("abc\\q").ok());
  CHECK_FALSE(vsmcat::EventFormat::parse("abc%").ok());
}
