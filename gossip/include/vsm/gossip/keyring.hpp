// Keys for sealing gossip datagrams with XChaCha20-Poly1305 (libsodium AEAD).
// The primary key seals; the primary and every accepted key open, so keys can be rotated:
// add the new key as accepted everywhere, then make it primary, then drop the old one.
// Thread-safety: const methods are safe to call concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/gossip_format.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip {

struct Key {
  std::uint32_t id = 0;
  std::array<std::uint8_t, format::kKeyBytes> bytes{};
};

class Keyring {
 public:
  Keyring(Key primary, std::vector<Key> accepted = {});

  // A random key (libsodium CSPRNG) with the given id.
  static Key generate_key(std::uint32_t id);
  // Key from 64 hex characters. Error kInvalid when malformed.
  static Result<Key> key_from_hex(std::uint32_t id, std::string_view hex);

  const Key& primary() const noexcept { return primary_; }
  // Header + nonce + ciphertext of `body` under the primary key.
  std::string seal(std::string_view body) const;
  // The body of a sealed datagram. Errors: kNotFound (unknown key id), kCorruption
  // (authentication failed), kInvalid (too short / not sealed).
  Result<std::string> open(std::string_view datagram) const;

 private:
  const Key* find(std::uint32_t id) const noexcept;

  Key primary_;
  std::vector<Key> accepted_;
};

}  // namespace vsm::gossip
