// Ed25519 signatures of events (docs/PROTOCOL.md §1.14) with libsodium: the signature
// covers vsm::append_signing_bytes() (content, not seq or ts), so it is made on the
// publisher's thread before numbering and survives logging, replay and republishing.
// Thread-safety: EventSigner is immutable after construction; verify_event_signature()
// is a pure function (both use a thread-local scratch buffer).
#pragma once

#include <string>

#include "security/trusted_keys.hpp"
#include "vsm/event.hpp"
#include "vsm/security.hpp"

namespace vsm::detail {

class EventSigner {
 public:
  // REQUIRES: sign_secret is 64 bytes (libsodium's seed + public key).
  EventSigner(std::string name, std::string sign_secret)
      : name_(std::move(name)), secret_(std::move(sign_secret)) {}

  // Sets event.signer (this node, unless a signature is already there: a republished
  // event keeps its original signer and signature) and event.signature.
  // REQUIRES: validate_event(event) passed.
  void sign(Event& event) const;

 private:
  std::string name_;
  std::string secret_;
};

using SignatureOutcome = EventSignatureChecker::Outcome;

// Checks `event`'s signature against every key of its signer in `keys` (expired ones
// too: what a key signed before its rotation stays valid).
SignatureOutcome verify_event_signature(const Event& event, const TrustedKeys& keys);

}  // namespace vsm::detail
