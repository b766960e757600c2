#include <catch2/catch.hpp>

#include "algedonic/algedonic_codec.hpp"
#include "algedonic/algedonic_event.hpp"
#include "algedonic/udp_endpoint.hpp"
#include "vsm/codec.hpp"
#include "vsm/ids.hpp"

using namespace vsm;
using namespace vsm::detail;

namespace {
const std::string kKeyA(64, 'a');
const std::string kKeyB(64, 'b');

AlertDatagram sample_alert() {
  return {"s1.ops", "udp://127.0.0.1:4000", "udp://127.0.0.1:5000", 2, std::string("\x81\xa1v\x01", 4)};
}
}  // namespace

TEST_CASE("alert and ack datagrams round-trip, plain and sealed", "[algedonic][codec]") {
  for (const std::string& key : {std::string(), kKeyA}) {
    auto codec = DatagramCodec::from_hex_key(key);
    REQUIRE(codec);
    auto bytes = codec->encode(sample_alert());
    REQUIRE(bytes);
    CHECK(bytes->substr(0, 2) == "VA");
    CHECK(static_cast<std::uint8_t>((*bytes)[4]) == (key.empty() ? 0 : 1));
    auto d = codec->decode(*bytes);
    REQUIRE(d);
    CHECK(std::get<AlertDatagram>(d.value()) == sample_alert());

    AckDatagram ack{"s5.policy", EventId::generate(), "udp://127.0.0.1:5000", 1};
    auto ab = codec->encode(ack);
    REQUIRE(ab);
    auto ad = codec->decode(*ab);
    REQUIRE(ad);
    CHECK(std::get<AckDatagram>(ad.value()) == ack);
  }
}

TEST_CASE("a foreign key, a missing key and tampering fail authentication", "[algedonic][codec]") {
  auto a = DatagramCodec::from_hex_key(kKeyA).value();
  auto b = DatagramCodec::from_hex_key(kKeyB).value();
  DatagramCodec plain;
  auto sealed = a.encode(sample_alert()).value();
  CHECK(b.decode(sealed).error().code() == ErrorCode::kCorruption);
  CHECK(plain.decode(sealed).error().code() == ErrorCode::kCorruption);
  CHECK(a.decode(plain.encode(sample_alert()).value()).error().code() == ErrorCode::kCorruption);
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    std::string flipped = sealed;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x20);
    auto r = a.decode(flipped);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("malformed datagrams are kInvalid, never a crash", "[algedonic][codec]") {
  DatagramCodec plain;
  auto good = plain.encode(sample_alert()).value();
  CHECK(plain.decode("").error().code() == ErrorCode::kInvalid);
  CHECK(plain.decode("garbage!").error().code() == ErrorCode::kInvalid);
  CHECK(plain.decode(std::string(9000, 'V')).error().code() == ErrorCode::kInvalid);
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(plain.decode(good.substr(0, n)).ok());
  CHECK_FALSE(plain.decode(good + "x").ok());
}

TEST_CASE("bad cluster keys are rejected with an explanation", "[algedonic][codec]") {
  CHECK(DatagramCodec::from_hex_key("abc").error().code() == ErrorCode::kInvalid);
  CHECK(DatagramCodec::from_hex_key(std::string(64, 'g')).error().code() == ErrorCode::kInvalid);
  CHECK_FALSE(DatagramCodec::from_hex_key("").value().sealed());
}

TEST_CASE("oversized datagrams are refused, not truncated", "[algedonic][codec]") {
  DatagramCodec plain;
  AlertDatagram big = sample_alert();
  big.envelope.assign(algedonic_format::kMaxDatagramBytes, 'x');
  CHECK(plain.encode(big).error().code() == ErrorCode::kTooLarge);
  big.envelope.assign(algedonic_format::kMaxAlertEnvelopeBytes, 'x');
  big.from.assign(algedonic_format::kMaxEndpointBytes, 'n');
  auto ok = DatagramCodec::from_hex_key(kKeyA).value().encode(big);
  REQUIRE(ok);  // the worst case still fits
  CHECK(ok->size() <= algedonic_format::kMaxDatagramBytes);
}

TEST_CASE("algedonic events carry severity, signal, description and metrics", "[algedonic]") {
  auto e = make_algedonic_event(Severity::kCritical, Signal::kPain, "pump 3 overheating",
                                {{"temp", 97.5}, {"rpm", 1200}});
  REQUIRE(e);
  CHECK(e->channel == Channel::kAlgedonic);
  CHECK(e->type == "pain");
  CHECK(e->priority == kPriorityCritical);
  e->id = EventId::generate();
  e->source = "s1.ops";
  auto bytes = encode_event(*e).value();
  auto decoded = decode_event(bytes).value();
  auto a = parse_algedonic_event(decoded, AlgedonicPath::kLane);
  REQUIRE(a);
  CHECK(a->severity == Severity::kCritical);
  CHECK(a->signal == Signal::kPain);
  CHECK(a->description == "pump 3 overheating");
  CHECK(a->metrics == std::map<std::string, double>{{"temp", 97.5}, {"rpm", 1200}});
  CHECK(make_algedonic_event(Severity::kLow, Signal::kPleasure, "", {{"x", 0.0 / 0.0}})
            .error()
            .code() == ErrorCode::kInvalid);
  Event other;
  other.channel = Channel::kAlgedonic;
  other.type = "pain";
  CHECK_FALSE(parse_algedonic_event(other, AlgedonicPath::kDataPlane).ok());
}

TEST_CASE("severity and signal names", "[algedonic]") {
  CHECK(parse_severity("emergency") == Severity::kEmergency);
  CHECK(severity_name(Severity::kMedium) == "medium");
  CHECK_FALSE(parse_severity("urgent"));
  CHECK(parse_signal("pleasure") == Signal::kPleasure);
  CHECK_FALSE(parse_signal("joy"));
}

TEST_CASE("udp endpoints parse and free ports are probed", "[algedonic]") {
  auto ep = parse_udp_endpoint("udp://127.0.0.1:*");
  REQUIRE(ep);
  CHECK(ep->port == 0);
  CHECK(parse_udp_endpoint("udp://127.0.0.1:7001")->port == 7001);
  CHECK_FALSE(parse_udp_endpoint("tcp://127.0.0.1:7001"));
  CHECK_FALSE(parse_udp_endpoint("udp://localhost:7001"));
  CHECK_FALSE(parse_udp_endpoint("udp://127.0.0.1:70000"));
  auto port = probe_free_udp_port("127.0.0.1");
  REQUIRE(port);
  CHECK(*port > 0);
}
