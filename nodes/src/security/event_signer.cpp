#include "security/event_signer.hpp"

#include <sodium.h>

#include "security/sodium_init.hpp"
#include "vsm/codec.hpp"
#include "vsm/frame_format.hpp"

namespace vsm::detail {
namespace {

std::string& scratch() {
  thread_local std::string buf;
  buf.clear();
  return buf;
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

void EventSigner::sign(Event& event) const {
  if (event.signature.size() == frame_format::kSignatureBytes) {
    // A republished event keeps its signer: make it explicit before ts.node changes.
    if (event.signer.empty()) event.signer = std::string(effective_signer(event));
    return;
  }
  ensure_sodium();
  event.signature.assign(crypto_sign_BYTES, '\0');  // a valid event while the bytes are built
  event.signer = name_;
  std::string& msg = scratch();
  append_signing_bytes(event, msg);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(event.signature.data()), nullptr,
                       bytes(msg), msg.size(), bytes(secret_));
}

SignatureOutcome verify_event_signature(const Event& event, const TrustedKeys& keys) {
  if (event.signature.empty()) return SignatureOutcome::kUnsigned;
  const auto candidates = keys.all_of(effective_signer(event));
  if (candidates.empty()) return SignatureOutcome::kUnknownSigner;
  if (event.signature.size() != crypto_sign_BYTES) return SignatureOutcome::kInvalid;
  ensure_sodium();
  std::string& msg = scratch();
  append_signing_bytes(event, msg);
  for (const auto* k : candidates) {
    if (crypto_sign_verify_detached(bytes(event.signature), bytes(msg), msg.size(),
                                    bytes(k->sign_public)) == 0) {
      return SignatureOutcome::kValid;
    }
  }
  return SignatureOutcome::kInvalid;
}

}  // namespace vsm::detail
