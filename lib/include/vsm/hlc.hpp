// Hybrid logical clock (Kulkarni et al.): wall milliseconds + logical counter + node id.
// Timestamps are totally ordered by (wall_ms, logical, node) across nodes and never go
// backwards on one node, even when the wall clock does.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <string>

namespace vsm {

struct HlcTimestamp {
  std::uint64_t wall_ms = 0;  // milliseconds since the Unix epoch
  std::uint32_t logical = 0;  // counter within the same wall_ms
  std::string node;           // emitting node's name, tie-breaker

  friend auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;
  friend bool operator==(const HlcTimestamp&, const HlcTimestamp&) = default;
  // "<wall_ms>.<logical>@<node>"
  std::string to_string() const;
};

// A timestamp's clock part, without the node name (no string copy on hot paths).
struct HlcTick {
  std::uint64_t wall_ms = 0;
  std::uint32_t logical = 0;
};

// Source of wall time, injectable for tests (STYLE rule 2).
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual std::uint64_t now_ms() const = 0;
};

// The system's realtime clock. Thread-safe.
const WallClock& system_wall_clock();

// Thread-safe, lock-free HLC. `clock` must outlive this object.
class HybridClock {
 public:
  // Remote timestamps further than max_drift_ms ahead of the local wall clock are
  // not adopted (counted in rejected_remote()) so one bad clock cannot drag the fabric.
  explicit HybridClock(std::string node, const WallClock& clock = system_wall_clock(),
                       std::uint64_t max_drift_ms = 60'000);

  // A timestamp for a local or send event; strictly greater than every earlier result.
  HlcTimestamp now();
  // now() without the node name: what the publish path patches into an encoded frame.
  HlcTick tick();
  // Merges a received timestamp; returns a timestamp greater than both.
  HlcTimestamp observe(const HlcTimestamp& remote);
  // observe() without a result, for every received event: a remote timestamp the
  // clock is already past costs one atomic load (no wall-clock read, no CAS).
  void merge(const HlcTimestamp& remote);

  const std::string& node() const noexcept { return node_; }
  std::uint64_t rejected_remote() const noexcept { return rejected_.load(); }

 private:
  // wall_ms in the upper 48 bits, logical in the lower 16 bits.
  static constexpr int kLogicalBits = 16;
  static HlcTick unpack(std::uint64_t packed) noexcept;
  HlcTimestamp make(std::uint64_t packed) const;
  std::uint64_t advance();  // the packed next local timestamp
  static std::uint64_t pack(const HlcTimestamp& t) noexcept;  // logical saturates

  std::string node_;
  const WallClock& clock_;
  std::uint64_t max_drift_ms_;
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace vsm
