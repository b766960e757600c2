// Benchmark payload layout, shared by every system's publisher and subscriber:
//   bytes 0..7   sequence number (host order); bit 63 set = warm-up message
//   bytes 8..15  send time, CLOCK_MONOTONIC ns (same machine, so subtractable)
//   bytes 16..   filler up to the payload size
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace vsm::bench {

inline constexpr std::size_t kMinPayloadBytes = 16;
inline constexpr std::uint64_t kWarmupFlag = std::uint64_t{1} << 63;

inline void stamp_payload(std::string& buf, std::uint64_t seq, std::int64_t send_ns) noexcept {
  std::memcpy(buf.data(), &seq, 8);
  std::memcpy(buf.data() + 8, &send_ns, 8);
}

struct Stamp {
  std::uint64_t seq = 0;
  std::int64_t send_ns = 0;
  bool warmup() const noexcept { return (seq & kWarmupFlag) != 0; }
};

// Empty seq/time for a payload shorter than the header (counted as malformed).
inline bool read_stamp(std::string_view p, Stamp& out) noexcept {
  if (p.size() < kMinPayloadBytes) return false;
  std::memcpy(&out.seq, p.data(), 8);
  std::memcpy(&out.send_ns, p.data() + 8, 8);
  return true;
}

}  // namespace vsm::bench
