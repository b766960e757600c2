// Codec round trips and every rejection path of decode_datagram; keyring rotation.
#include <catch2/catch.hpp>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/msgpack_writer.hpp"

using namespace vsm::gossip;

namespace {

Member sample_member() {
  Member m;
  m.name = "s5.policy-1";
  m.incarnation = 42;
  m.state = MemberState::kSuspect;
  m.role = vsm::Role::kS5;
  m.endpoints = {"tcp://10.0.0.1:5000", "tcp://10.0.0.1:5001", "udp://239.0.0.1:5002",
                 "10.0.0.1:7946"};
  m.tags = {{"dc", "east"}, {"zone", "b"}};
  return m;
}

std::vector<Message> round_trip(const Message& m, const Keyring* keyring = nullptr) {
  std::string bytes = encode_datagram({encode_message(m)}, keyring);
  DropReason reason{};
  auto decoded = decode_datagram(bytes, keyring, reason);
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().size() == 1);
  return std::move(decoded).value();
}

DropReason rejection(std::string_view bytes, const Keyring* keyring = nullptr) {
  DropReason reason{};
  auto decoded = decode_datagram(bytes, keyring, reason);
  REQUIRE_FALSE(decoded.ok());
  return reason;
}

std::string plain_header() { return std::string("VG\x02\x00", 4); }

}  // namespace

TEST_CASE("every message type survives a round trip", "[gossip][codec]") {
  auto ping = std::get<Ping>(round_trip(Ping{7, "b", "a"})[0]);
  CHECK((ping.seq == 7 && ping.target == "b" && ping.source == "a"));
  auto req = std::get<PingReq>(round_trip(PingReq{8, "c", "1.2.3.4:5", "a"})[0]);
  CHECK((req.seq == 8 && req.target == "c" && req.target_address == "1.2.3.4:5" && req.source == "a"));
  CHECK(std::get<Ack>(round_trip(Ack{9, "x"})[0]).seq == 9);
  CHECK(std::get<Nack>(round_trip(Nack{10})[0]).seq == 10);
  auto alive = std::get<Alive>(round_trip(Alive{sample_member()})[0]);
  CHECK(alive.member.name == "s5.policy-1");
  CHECK(alive.member.incarnation == 42);
  CHECK(alive.member.role == vsm::Role::kS5);
  CHECK(alive.member.endpoints == sample_member().endpoints);
  CHECK(alive.member.tags == sample_member().tags);
  auto sus = std::get<Suspect>(round_trip(Suspect{"n", 3, "m"})[0]);
  CHECK((sus.name == "n" && sus.incarnation == 3 && sus.from == "m"));
  auto dead = std::get<Dead>(round_trip(Dead{"n", 4, "m"})[0]);
  CHECK((dead.name == "n" && dead.incarnation == 4 && dead.from == "m"));
  auto leave = std::get<Leave>(round_trip(Leave{"n", 5})[0]);
  CHECK((leave.name == "n" && leave.incarnation == 5));
  PushPull pp{99, format::kPushPullReply, 1, 3, {sample_member(), sample_member()}};
  DropReason reason{};
  auto decoded_pp = decode_stream_frame(encode_stream_frame(pp, nullptr), nullptr, 0, 1 << 20, reason);
  REQUIRE(decoded_pp.ok());
  auto pp2 = decoded_pp.value();
  CHECK((pp2.request_id == 99 && pp2.flags == format::kPushPullReply && pp2.chunk == 1 &&
         pp2.chunks == 3));
  REQUIRE(pp2.members.size() == 2);
  CHECK(pp2.members[1].state == MemberState::kSuspect);
  CHECK(pp2.members[1].tags.at("zone") == "b");
  auto reach = std::get<Reach>(round_trip(Reach{"o", 11, 0, 1, {"x", "y"}})[0]);
  CHECK((reach.origin == "o" && reach.version == 11 && reach.unreachable.size() == 2));
}

TEST_CASE("compound datagrams keep message order", "[gossip][codec]") {
  std::string bytes = encode_datagram(
      {encode_message(Ping{1, "b", "a"}), encode_message(Suspect{"b", 1, "a"}),
       encode_message(Alive{sample_member()})},
      nullptr);
  DropReason reason{};
  auto decoded = decode_datagram(bytes, nullptr, reason);
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().size() == 3);
  CHECK(std::holds_alternative<Ping>(decoded.value()[0]));
  CHECK(std::holds_alternative<Suspect>(decoded.value()[1]));
  CHECK(std::holds_alternative<Alive>(decoded.value()[2]));
}

TEST_CASE("sealed datagrams round trip and are opaque", "[gossip][codec][crypto]") {
  Keyring ring(Keyring::generate_key(1));
  std::string bytes = encode_datagram({encode_message(Ping{1, "target-name", "a"})}, &ring);
  CHECK(bytes.find("target-name") == std::string::npos);
  CHECK(bytes.size() == datagram_overhead(1, true) + encode_message(Ping{1, "target-name", "a"}).size());
  CHECK(std::get<Ping>(round_trip(Ping{1, "b", "a"}, &ring)[0]).target == "b");
}

TEST_CASE("rejections carry the right drop reason", "[gossip][codec]") {
  std::string good = encode_datagram({encode_message(Ping{1, "b", "a"})}, nullptr);
  SECTION("empty and short") {
    CHECK(rejection("") == DropReason::kTruncated);
    CHECK(rejection(good.substr(0, 4)) == DropReason::kTruncated);
  }
  SECTION("truncated body") {
    for (std::size_t n = 5; n < good.size(); ++n) {
      CHECK(rejection(good.substr(0, n)) == DropReason::kMalformed);
    }
  }
  SECTION("oversized") {
    CHECK(rejection(std::string(format::kMaxDatagramBytes + 1, 'V')) == DropReason::kOversized);
  }
  SECTION("bad magic, version, flags") {
    std::string b = good;
    b[0] = 'X';
    CHECK(rejection(b) == DropReason::kBadMagic);
    b = good;
    b[2] = format::kVersion + 1;
    CHECK(rejection(b) == DropReason::kBadVersion);
    b = good;
    b[3] = 0x10;
    CHECK(rejection(b) == DropReason::kMalformed);
  }
  SECTION("trailing bytes") { CHECK(rejection(good + "x") == DropReason::kMalformed); }
  SECTION("empty message array") {
    CHECK(rejection(plain_header() + "\x90") == DropReason::kMalformed);
  }
  SECTION("unknown message types") {
    CHECK(rejection(plain_header() + "\x91\x91\x0b") == DropReason::kUnknownType);
    CHECK(rejection(plain_header() + std::string("\x91\x91\x00", 3)) == DropReason::kUnknownType);
    CHECK(rejection(plain_header() + "\x91\x91\x7f") == DropReason::kUnknownType);
  }
  SECTION("wrong field counts and types") {
    CHECK(rejection(plain_header() + "\x91\x92\x01\x01") == DropReason::kMalformed);
    CHECK(rejection(plain_header() + "\x91\x94\x01\xa1x\xa1y\xa1z") == DropReason::kMalformed);
    CHECK(rejection(plain_header() + "\x91\x90") == DropReason::kMalformed);
    CHECK(rejection(plain_header() + "\x91\xa1x") == DropReason::kMalformed);
  }
  SECTION("empty names and bad enum values") {
    CHECK(rejection(encode_datagram({encode_message(Ping{1, "", "a"})}, nullptr)) ==
          DropReason::kMalformed);
    Member m = sample_member();
    std::string alive = encode_message(Alive{m});
    auto pos = alive.find('\x06');  // role S5 encoded as positive fixint 6
    REQUIRE(pos != std::string::npos);
    alive[pos] = 9;
    CHECK(rejection(encode_datagram({alive}, nullptr)) == DropReason::kMalformed);
  }
  SECTION("chunk index out of range") {
    CHECK(rejection(encode_datagram({encode_message(Reach{"o", 1, 2, 2, {}})}, nullptr)) ==
          DropReason::kMalformed);
    CHECK(rejection(encode_datagram({encode_message(PushPull{1, 0, 0, 0, {}})}, nullptr)) ==
          DropReason::kMalformed);
  }
  SECTION("too many tags") {
    Member m = sample_member();
    for (int i = 0; i < 40; ++i) m.tags["t" + std::to_string(i)] = "v";
    CHECK(rejection(encode_datagram({encode_message(Alive{m})}, nullptr)) ==
          DropReason::kMalformed);
  }
  SECTION("over-long name") {
    std::string name(format::kMaxNameBytes + 1, 'n');
    CHECK(rejection(encode_datagram({encode_message(Leave{name, 1})}, nullptr)) ==
          DropReason::kMalformed);
  }
}

TEST_CASE("keyring: unknown key, tampering, sealing mismatch", "[gossip][codec][crypto]") {
  Keyring k1(Keyring::generate_key(1));
  Keyring k2(Keyring::generate_key(2));
  std::string plain = encode_datagram({encode_message(Ping{1, "b", "a"})}, nullptr);
  std::string sealed = encode_datagram({encode_message(Ping{1, "b", "a"})}, &k1);
  CHECK(rejection(sealed, &k2) == DropReason::kUnknownKey);
  CHECK(rejection(plain, &k1) == DropReason::kNotSealed);
  CHECK(rejection(sealed, nullptr) == DropReason::kSealedNoKey);
  CHECK(rejection(sealed.substr(0, 30), &k1) == DropReason::kTruncated);
  for (std::size_t i : {std::size_t{5}, std::size_t{10}, sealed.size() - 1}) {
    std::string t = sealed;
    t[i] ^= 0x01;
    DropReason r = rejection(t, &k1);
    CHECK((r == DropReason::kAuthFailed || r == DropReason::kUnknownKey));
  }
  // Same key id, different key bytes: authentication fails.
  Key fake = Keyring::generate_key(1);
  Keyring k1_fake(fake);
  CHECK(rejection(sealed, &k1_fake) == DropReason::kAuthFailed);
}

TEST_CASE("keyring rotation: old key accepted, new key primary", "[gossip][codec][crypto]") {
  Key old_key = Keyring::generate_key(1);
  Key new_key = Keyring::generate_key(2);
  Keyring before(old_key);
  Keyring during(new_key, {old_key});  // new primary, old still accepted
  Keyring after(new_key);
  std::string from_old = encode_datagram({encode_message(Nack{1})}, &before);
  std::string from_new = encode_datagram({encode_message(Nack{2})}, &during);
  DropReason reason{};
  CHECK(decode_datagram(from_old, &during, reason).ok());
  CHECK(decode_datagram(from_new, &during, reason).ok());
  CHECK(decode_datagram(from_new, &after, reason).ok());
  CHECK(rejection(from_old, &after) == DropReason::kUnknownKey);
  CHECK(rejection(from_new, &before) == DropReason::kUnknownKey);
}

TEST_CASE("key_from_hex validates its input", "[gossip][crypto]") {
  CHECK_FALSE(Keyring::key_from_hex(1, "abc").ok());
  CHECK_FALSE(Keyring::key_from_hex(1, std::string(64, 'g')).ok());
  auto k = Keyring::key_from_hex(7, std::string(62, '0') + "ff");
  REQUIRE(k.ok());
  CHECK(k.value().id == 7);
  CHECK(k.value().bytes[31] == 0xff);
}
