// Keys for sealing gossip datagrams and push-pull frames with XChaCha20-Poly1305
// (libsodium AEAD). The primary key seals; the primary, every accepted key and every
// retiring key whose grace period has not passed open. Rotation (docs/GOSSIP.md "Key
// rotation"): first add the next key as accepted on every node, then rotate each node
// to it (rotated()): it seals with the new key at once and opens with the previous one
// for a grace period, after which that key is dropped (datagrams under it count as
// key_expired). Immutable value; const methods are safe to call concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
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

enum class KeyStatus : std::uint8_t { kUsable, kUnknown, kExpired };

class Keyring {
 public:
  // How many ids of dropped keys are remembered to report key_expired (then unknown_key).
  static constexpr std::size_t kExpiredIdsKept = 16;

  Keyring(Key primary, std::vector<Key> accepted = {});

  // A random key (libsodium CSPRNG) with the given id.
  static Key generate_key(std::uint32_t id);
  // Key from 64 hex characters. Error kInvalid when malformed.
  static Result<Key> key_from_hex(std::uint32_t id, std::string_view hex);

  // This keyring rotated to `next` at `now_ms`: `next` seals from now on (and leaves the
  // accepted list), the current primary opens until now_ms + grace_ms. Keys whose grace
  // has passed are dropped. Error kInvalid when `next` reuses the id of another key
  // (primary, accepted or retiring) with different bytes. Rotating to the current
  // primary is a no-op.
  Result<Keyring> rotated(const Key& next, std::uint64_t now_ms, std::uint64_t grace_ms) const;
  // This keyring without the retiring keys whose grace has passed by `now_ms`.
  Keyring pruned(std::uint64_t now_ms) const;
  // Earliest grace deadline still pending, nullopt when nothing retires.
  std::optional<std::uint64_t> next_expiry_ms() const noexcept;

  const Key& primary() const noexcept { return primary_; }
  KeyStatus key_status(std::uint32_t id, std::uint64_t now_ms) const noexcept;
  // The key id of a sealed datagram/frame, nullopt when it is too short.
  static std::optional<std::uint32_t> sealed_key_id(std::string_view datagram) noexcept;

  // Header + nonce + ciphertext of `body` under the primary key.
  std::string seal(std::string_view body) const;
  // The body of a sealed datagram opened at time `now_ms` (0 ignores grace deadlines).
  // Errors: kNotFound (unknown or expired key id), kCorruption (authentication failed),
  // kInvalid (too short / not sealed).
  Result<std::string> open(std::string_view datagram, std::uint64_t now_ms = 0) const;

 private:
  struct Retiring {
    Key key;
    std::uint64_t until_ms = 0;
  };
  const Key* find(std::uint32_t id, std::uint64_t now_ms) const noexcept;
  void drop_expired(std::uint64_t now_ms);

  Key primary_;
  std::vector<Key> accepted_;
  std::vector<Retiring> retiring_;
  std::vector<std::uint32_t> expired_ids_;  // newest last, at most kExpiredIdsKept
};

}  // namespace vsm::gossip
