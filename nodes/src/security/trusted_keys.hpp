// The trusted public keys of a node: every *.pub file of SecurityConfig::trusted_dir
// (key_file.hpp). A node name may have several keys (a rotation: the old one carries a
// not_after, after which it is refused). TrustedKeys is an immutable snapshot;
// TrustedKeyStore holds the current one and re-reads the directory when it changed.
// Thread-safety: TrustedKeys is immutable; TrustedKeyStore's methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "security/key_file.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

class TrustedKeys {
 public:
  // Reads every *.pub file of `dir`. kIo when the directory cannot be read, kInvalid
  // naming the first malformed file (a half-readable directory is refused as a whole, so
  // a typo never silently drops a peer).
  static Result<TrustedKeys> load(const std::string& dir);
  explicit TrustedKeys(std::vector<PublicKeyEntry> keys = {}) : keys_(std::move(keys)) {}

  // The entry whose CURVE key is `curve_public` and that is valid at `now_ms` (Unix ms).
  const PublicKeyEntry* by_curve_key(std::string_view curve_public, std::uint64_t now_ms) const;
  // The CURVE key to reach node `name` at `now_ms`: the valid key without an expiry, else
  // the one that expires last. Null when the name has no valid key.
  const PublicKeyEntry* current(std::string_view name, std::uint64_t now_ms) const;
  // Every key of `name`, expired or not (signatures made before a rotation stay valid).
  std::vector<const PublicKeyEntry*> all_of(std::string_view name) const;
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::vector<PublicKeyEntry> keys_;
};

class TrustedKeyStore {
 public:
  TrustedKeyStore(std::string dir, std::uint64_t reload_ms)
      : dir_(std::move(dir)), reload_ms_(reload_ms) {}

  // First load; the error of TrustedKeys::load().
  Status open();
  // The current snapshot; re-reads the directory first when reload_ms passed since the
  // last look and its modification time changed. A directory that no longer parses
  // keeps the previous snapshot (and logs a warning once per change).
  std::shared_ptr<const TrustedKeys> get(std::uint64_t now_monotonic_ms);
  const std::string& dir() const noexcept { return dir_; }

 private:
  const std::string dir_;
  const std::uint64_t reload_ms_;
  std::mutex mu_;  // leaf lock
  std::shared_ptr<const TrustedKeys> keys_;
  std::uint64_t next_look_ms_ = 0;
  std::int64_t mtime_ns_ = 0;
};

// Unix time in milliseconds (key expiry is wall-clock).
std::uint64_t unix_ms() noexcept;

}  // namespace vsm::detail
