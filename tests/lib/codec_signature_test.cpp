// Event codec, signatures (docs/PROTOCOL.md §1.14): keys 13 (signature) and 14 (signer)
// on the wire, and the signing bytes: canonical, independent of seq, ts and encoding.
#include <catch2/catch.hpp>
#include <string>

#include "sample_event.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"

namespace vsm {
namespace {

std::string signing_bytes(const Event& e) {
  std::string out;
  append_signing_bytes(e, out);
  return out;
}

Event signed_event() {
  Event e = test::full_event();
  e.signature.assign(frame_format::kSignatureBytes, '\x5a');
  return e;
}

}  // namespace

TEST_CASE("codec signature: signature round trips, signer defaults to ts.node", "[codec]") {
  Event e = signed_event();
  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  CHECK(bytes->find(std::string("\x0d\xc4\x40", 3)) != std::string::npos);  // key 13, bin 64
  auto back = decode_event(*bytes);
  REQUIRE(back.ok());
  CHECK(back->signature == e.signature);
  CHECK(back->signer == "node-a");  // made explicit on decode
  // Re-encoding leaves the default signer out again: a fixed point.
  CHECK(encode_event(*back).value() == *bytes);
}

TEST_CASE("codec signature: a signer other than ts.node is key 14", "[codec]") {
  Event e = signed_event();
  e.signer = "origin-node";
  auto bytes = encode_event(e);
  REQUIRE(bytes.ok());
  CHECK(bytes->find(std::string("\x0e\xab") + "origin-node") != std::string::npos);
  auto back = decode_event(*bytes);
  REQUIRE(back.ok());
  CHECK(back->signer == "origin-node");
  CHECK(*back == e);
}

TEST_CASE("codec signature: malformed signature fields are refused", "[codec]") {
  Event e = signed_event();
  e.signature.resize(63);
  CHECK(encode_event(e).error().code() == ErrorCode::kInvalid);
  Event f = test::full_event();
  f.signer = "someone";  // a signer without a signature
  CHECK(encode_event(f).error().code() == ErrorCode::kInvalid);

  // Hand-made maps: a 63-byte signature, and a signer without a signature.
  const std::string topic = std::string("command/s3/t") + '\0';
  const std::string head =
      "\x84\x01\xc4\x10" + std::string(16, '\x11') + std::string("\x02\x00\x03\x01", 4);
  CHECK_FALSE(decode_event(topic + head + "\x0d\xc4\x3f" + std::string(63, 'x')).ok());
  CHECK_FALSE(decode_event(topic + head + "\x0e\xa1z").ok());
}

TEST_CASE("codec signature: signing bytes cover the content, not seq or ts", "[codec]") {
  const Event e = signed_event();
  const std::string base = signing_bytes(e);
  CHECK(base.rfind(std::string(frame_format::kSigningDomain) + '\0' + "node-a" + '\0' +
                       "algedonic/s1.ops-3/overheat" + '\0',
                   0) == 0);
  Event renumbered = e;
  renumbered.seq = 7;
  renumbered.ts = HlcTimestamp{1, 2, "node-a"};
  renumbered.signature.assign(64, '\x01');
  CHECK(signing_bytes(renumbered) == base);

  // Every content field, and the signer, changes them.
  auto changed = [&](auto mutate) {
    Event x = e;
    mutate(x);
    return signing_bytes(x) != base;
  };
  CHECK(changed([](Event& x) { x.payload = Value::string("forged"); }));
  CHECK(changed([](Event& x) { x.metadata["severity"] = Value::string("low"); }));
  CHECK(changed([](Event& x) { x.target = "s3"; }));
  CHECK(changed([](Event& x) { x.type = "other"; }));
  CHECK(changed([](Event& x) { x.source = "s1.ops-4"; }));
  CHECK(changed([](Event& x) { x.priority = 2; }));
  CHECK(changed([](Event& x) { x.correlation_id = "c2"; }));
  CHECK(changed([](Event& x) { x.causation_id.clear(); }));
  CHECK(changed([](Event& x) { x.id = EventId::generate(); }));
  CHECK(changed([](Event& x) { x.signer = "node-b"; }));
  CHECK(changed([](Event& x) { x.ts.node = "node-b"; }));  // the default signer
}

TEST_CASE("codec signature: signing bytes do not depend on how the map was encoded", "[codec]") {
  // A foreign encoder: keys descending, metadata keys unsorted, seq as uint 64.
  const std::string id(16, '\x22');
  std::string frame = std::string("audit/s3/check") + '\0';
  frame += "\x86";
  frame +=
      "\x0c\x82\xa1z\x01\xa1"
      "a\x02";            // 12 metadata {"z": 1, "a": 2}
  frame += "\x0b\x05";    // 11 payload 5
  frame += "\x07\xa2s1";  // 7 target "s1"
  frame += std::string("\x03\xcf", 2) + std::string(7, '\0') + "\x09";  // 3 seq 9
  frame += "\x02\x02";                                                  // 2 channel audit
  frame += "\x01\xc4\x10" + id;                                         // 1 id
  auto foreign = decode_event(frame);
  REQUIRE(foreign.ok());
  auto canonical = decode_event(encode_event(*foreign).value());
  REQUIRE(canonical.ok());
  CHECK(signing_bytes(*foreign) == signing_bytes(*canonical));
}

}  // namespace vsm
