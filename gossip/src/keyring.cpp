#include "vsm/gossip/keyring.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace vsm::gossip {
namespace {

static_assert(format::kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(format::kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(format::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; a failure means no usable RNG.
  if (sodium_init() < 0) std::abort();
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Keyring::Keyring(Key primary, std::vector<Key> accepted)
    : primary_(primary), accepted_(std::move(accepted)) {
  ensure_sodium();
}

Key Keyring::generate_key(std::uint32_t id) {
  ensure_sodium();
  Key k;
  k.id = id;
  crypto_aead_xchacha20poly1305_ietf_keygen(k.bytes.data());
  return k;
}

Result<Key> Keyring::key_from_hex(std::uint32_t id, std::string_view hex) {
  if (hex.size() != 2 * format::kKeyBytes) {
    return Error::invalid("gossip key must be 64 hex characters");
  }
  Key k;
  k.id = id;
  for (std::size_t i = 0; i < format::kKeyBytes; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error::invalid("gossip key has a non-hex character");
    k.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return k;
}

const Key* Keyring::find(std::uint32_t id, std::uint64_t now_ms) const noexcept {
  if (primary_.id == id) return &primary_;
  for (const Key& k : accepted_) {
    if (k.id == id) return &k;
  }
  for (const Retiring& r : retiring_) {
    if (r.key.id == id) return now_ms == 0 || now_ms < r.until_ms ? &r.key : nullptr;
  }
  return nullptr;
}

KeyStatus Keyring::key_status(std::uint32_t id, std::uint64_t now_ms) const noexcept {
  if (find(id, now_ms) != nullptr) return KeyStatus::kUsable;
  for (const Retiring& r : retiring_) {
    if (r.key.id == id) return KeyStatus::kExpired;
  }
  for (std::uint32_t e : expired_ids_) {
    if (e == id) return KeyStatus::kExpired;
  }
  return KeyStatus::kUnknown;
}

std::optional<std::uint32_t> Keyring::sealed_key_id(std::string_view datagram) noexcept {
  if (datagram.size() < format::kSealedHeaderBytes) return std::nullopt;
  const unsigned char* p = bytes_of(datagram);
  std::uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | p[format::kPlainHeaderBytes + i];
  return id;
}

Result<Keyring> Keyring::rotated(const Key& next, std::uint64_t now_ms,
                                 std::uint64_t grace_ms) const {
  if (next.id == primary_.id) {
    if (next.bytes == primary_.bytes) return *this;
    return Error::invalid("key id " + std::to_string(next.id) +
                          " is already the primary key with different bytes");
  }
  for (const Key& k : accepted_) {
    if (k.id == next.id && k.bytes != next.bytes) {
      return Error::invalid("key id " + std::to_string(next.id) +
                            " is already accepted with different bytes");
    }
  }
  for (const Retiring& r : retiring_) {
    if (r.key.id == next.id && r.key.bytes != next.bytes) {
      return Error::invalid("key id " + std::to_string(next.id) +
                            " is still in its grace period with different bytes");
    }
  }
  Keyring out = *this;
  std::erase_if(out.accepted_, [&](const Key& k) { return k.id == next.id; });
  std::erase_if(out.retiring_, [&](const Retiring& r) {
    return r.key.id == next.id || r.key.id == primary_.id;
  });
  out.retiring_.push_back({primary_, now_ms + grace_ms});
  out.primary_ = next;
  std::erase(out.expired_ids_, next.id);
  out.drop_expired(now_ms);
  return out;
}

Keyring Keyring::pruned(std::uint64_t now_ms) const {
  Keyring out = *this;
  out.drop_expired(now_ms);
  return out;
}

void Keyring::drop_expired(std::uint64_t now_ms) {
  for (const Retiring& r : retiring_) {
    if (now_ms < r.until_ms) continue;
    std::erase(expired_ids_, r.key.id);
    expired_ids_.push_back(r.key.id);
  }
  std::erase_if(retiring_, [&](const Retiring& r) { return now_ms >= r.until_ms; });
  if (expired_ids_.size() > kExpiredIdsKept) {
    expired_ids_.erase(expired_ids_.begin(),
                       expired_ids_.end() - static_cast<std::ptrdiff_t>(kExpiredIdsKept));
  }
}

std::optional<std::uint64_t> Keyring::next_expiry_ms() const noexcept {
  std::optional<std::uint64_t> out;
  for (const Retiring& r : retiring_) {
    if (!out || r.until_ms < *out) out = r.until_ms;
  }
  return out;
}

std::string Keyring::seal(std::string_view body) const {
  std::string out(format::kSealedHeaderBytes + format::kNonceBytes + body.size() +
                      format::kTagBytes,
                  '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = format::kMagic0;
  p[1] = format::kMagic1;
  p[2] = format::kVersion;
  p[3] = format::kFlagSealed;
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<unsigned char>(primary_.id >> (24 - 8 * i));
  unsigned char* nonce = p + format::kSealedHeaderBytes;
  randombytes_buf(nonce, format::kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + format::kNonceBytes, &clen, bytes_of(body),
                                             body.size(), p, format::kSealedHeaderBytes,
                                             nullptr, nonce, primary_.bytes.data());
  return out;
}

Result<std::string> Keyring::open(std::string_view datagram, std::uint64_t now_ms) const {
  const std::size_t min = format::kSealedHeaderBytes + format::kNonceBytes + format::kTagBytes;
  if (datagram.size() < min) return Error::invalid("sealed gossip datagram is truncated");
  const unsigned char* p = bytes_of(datagram);
  const Key* key = find(*sealed_key_id(datagram), now_ms);
  if (key == nullptr) {
    return Error::not_found("gossip datagram sealed under an unknown or expired key id");
  }
  const unsigned char* nonce = p + format::kSealedHeaderBytes;
  const unsigned char* cipher = nonce + format::kNonceBytes;
  const std::size_t clen = datagram.size() - format::kSealedHeaderBytes - format::kNonceBytes;
  std::string body(clen - format::kTagBytes, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(body.data()), &mlen, nullptr, cipher, clen, p,
          format::kSealedHeaderBytes, nonce, key->bytes.data()) != 0) {
    return Error::corruption("gossip datagram failed authentication");
  }
  body.resize(mlen);
  return body;
}

}  // namespace vsm::gossip
