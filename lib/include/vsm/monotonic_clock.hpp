// Milliseconds on the monotonic (steady) clock: the time base of every sans-I/O state
// machine (token buckets, breakers, gossip, retries). Thread-safe, never goes back.
#pragma once

#include <chrono>
#include <cstdint>

namespace vsm {

inline std::uint64_t monotonic_ms() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace vsm
