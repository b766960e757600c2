// Event signatures (nodes/src/security/event_signer.*): what a node signs verifies with
// its trusted key, through the wire and after renumbering; any change breaks it.
#include "security/event_signer.hpp"

#include <catch2/catch.hpp>

#include "vsm/codec.hpp"
#include "vsm/value_pack.hpp"

namespace vsm::detail {
namespace {

Event command() {
  Event e;
  e.id = EventId::generate();
  e.channel = Channel::kCommand;
  e.source = "node-a";
  e.type = "set_limit";
  e.target = "s1";
  e.payload = pack_value(5);
  e.metadata["why"] = Value::string("load");
  return e;
}

}  // namespace

TEST_CASE("signer: a signed event verifies, across the wire and renumbering", "[security]") {
  const auto a = generate_keys("node-a", Role::kS3);
  const TrustedKeys keys({a.pub});
  EventSigner signer("node-a", a.sign_secret);
  Event e = command();
  CHECK(verify_event_signature(e, keys) == SignatureOutcome::kUnsigned);
  signer.sign(e);
  CHECK(e.signature.size() == 64);
  CHECK(e.signer == "node-a");
  CHECK(verify_event_signature(e, keys) == SignatureOutcome::kValid);

  // Through the wire as node-a publishes it (seq and ts patched in later).
  std::string frame;
  auto slots = encode_event_unsequenced(e, "node-a", frame);
  REQUIRE(slots.ok());
  patch_sequence(frame.data(), *slots, 1'700'000'000'000, 3, 42);
  auto received = decode_event(frame);
  REQUIRE(received.ok());
  CHECK(verify_event_signature(*received, keys) == SignatureOutcome::kValid);

  // Republished by node-r: new seq, ts and ts.node; signer and signature kept.
  Event again = *received;
  EventSigner("node-r", generate_keys("node-r", Role::kS1).sign_secret).sign(again);
  CHECK(again.signature == received->signature);
  again.ts = HlcTimestamp{1, 1, "node-r"};
  again.seq = 7;
  auto republished = decode_event(encode_event(again).value());
  REQUIRE(republished.ok());
  CHECK(republished->signer == "node-a");
  CHECK(verify_event_signature(*republished, keys) == SignatureOutcome::kValid);
}

TEST_CASE("signer: tampering, unknown signers and foreign keys fail", "[security]") {
  const auto a = generate_keys("node-a", Role::kS3);
  const auto m = generate_keys("node-a", Role::kS3);  // someone else's key, same name
  const TrustedKeys keys({a.pub});
  Event e = command();
  EventSigner("node-a", a.sign_secret).sign(e);

  Event tampered = e;
  tampered.payload = pack_value(500);
  CHECK(verify_event_signature(tampered, keys) == SignatureOutcome::kInvalid);
  Event retargeted = e;
  retargeted.target = "s3";
  CHECK(verify_event_signature(retargeted, keys) == SignatureOutcome::kInvalid);
  Event forged = command();
  EventSigner("node-a", m.sign_secret).sign(forged);
  CHECK(verify_event_signature(forged, keys) == SignatureOutcome::kInvalid);
  Event stranger = command();
  EventSigner("node-z", m.sign_secret).sign(stranger);
  CHECK(verify_event_signature(stranger, keys) == SignatureOutcome::kUnknownSigner);

  // A rotated-out key (expired) still verifies what it signed.
  PublicKeyEntry expired = a.pub;
  expired.not_after_ms = 1;
  CHECK(verify_event_signature(e, TrustedKeys({expired})) == SignatureOutcome::kValid);
}

}  // namespace vsm::detail
