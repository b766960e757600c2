// Counters of one Membership (and its driver). Plain values, copied out as snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace vsm::gossip {

// Why an incoming datagram was dropped.
enum class DropReason : std::uint8_t {
  kTruncated = 0,    // shorter than a header, or a msgpack value runs past the end
  kOversized = 1,    // larger than format::kMaxDatagramBytes
  kBadMagic = 2,     // not a gossip datagram
  kBadVersion = 3,   // unsupported format version
  kMalformed = 4,    // msgpack or field types/limits wrong
  kUnknownType = 5,  // message type not known to this version
  kUnknownKey = 6,   // sealed under a key id not in the keyring
  kAuthFailed = 7,   // AEAD authentication failed (tampered or wrong key)
  kNotSealed = 8,    // plain datagram while a keyring is configured
  kSealedNoKey = 9,  // sealed datagram while no keyring is configured
};
inline constexpr std::size_t kDropReasonCount = 10;

// "truncated", "oversized", ...
std::string_view drop_reason_name(DropReason reason) noexcept;

struct GossipStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t dropped[kDropReasonCount] = {};  // indexed by DropReason
  std::uint64_t probes_sent = 0;
  std::uint64_t probes_failed = 0;
  std::uint64_t indirect_probes_sent = 0;
  std::uint64_t suspicions_raised = 0;   // we suspected someone after a failed probe
  std::uint64_t refutations = 0;         // we refuted a suspicion about ourselves
  std::uint64_t deaths_declared = 0;     // suspicion timers that expired here
  std::uint64_t push_pulls_sent = 0;
  std::uint64_t send_errors = 0;         // filled by drivers
  int health_score = 0;                  // Lifeguard local health multiplier
  std::map<std::string, std::uint64_t> flaps;  // alive->suspect transitions per member

  std::uint64_t dropped_total() const noexcept {
    std::uint64_t n = 0;
    for (auto d : dropped) n += d;
    return n;
  }
  std::uint64_t dropped_for(DropReason r) const noexcept {
    return dropped[static_cast<std::size_t>(r)];
  }
};

}  // namespace vsm::gossip
