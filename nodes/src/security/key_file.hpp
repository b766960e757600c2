// Key files of docs/SECURITY.md §6 (layout in vsm/security.hpp): parsing and writing.
// A key file is small text, "key = value" per line, '#' comments; unknown keys are
// refused so a typo never silently weakens a setting. Keys are held in binary.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/result.hpp"
#include "vsm/role.hpp"

namespace vsm::detail {

inline constexpr std::size_t kCurveKeyBytes = 32;
inline constexpr std::size_t kSignPublicBytes = 32;
inline constexpr std::size_t kSignSecretBytes = 64;

// A public key file (NAME.pub), or the public half of a secret one.
struct PublicKeyEntry {
  std::string name;
  Role role = Role::kS1;
  std::string curve_public;          // 32 bytes
  std::string sign_public;           // 32 bytes
  std::uint64_t not_after_ms = 0;    // 0: no expiry
  std::vector<std::string> sources;  // extra sources it may publish as
  std::string file;                  // where it was read (for messages)
};

// A secret key file (NAME.key).
struct SecretKeyEntry {
  PublicKeyEntry pub;
  std::string curve_secret;  // 32 bytes
  std::string sign_secret;   // 64 bytes (libsodium: seed + public key)
};

// kInvalid naming `file` and the line for a malformed file or a missing key.
Result<PublicKeyEntry> parse_public_key_file(std::string_view text, const std::string& file);
Result<SecretKeyEntry> parse_secret_key_file(std::string_view text, const std::string& file);
// kIo when the file cannot be read; kInvalid when a secret file is readable by others.
Result<SecretKeyEntry> read_secret_key_file(const std::string& path);

// Fresh key pairs (libsodium CSPRNG).
SecretKeyEntry generate_keys(const std::string& name, Role role);
std::string format_public_key_file(const PublicKeyEntry& key);
std::string format_secret_key_file(const SecretKeyEntry& key);

// Z85 (ZeroMQ's text form of CURVE keys) of 32 bytes, and back (empty when invalid).
std::string z85_encode_key(std::string_view key32);
std::optional<std::string> z85_decode_key(std::string_view text);

}  // namespace vsm::detail
