// Counters of one Membership (and its driver). Plain values, copied out as snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace vsm::gossip {

// Why an incoming datagram (or push-pull frame) was dropped.
enum class DropReason : std::uint8_t {
  kTruncated = 0,    // shorter than a header, or a msgpack value runs past the end
  kOversized = 1,    // larger than format::kMaxDatagramBytes (push_pull_max_bytes for frames)
  kBadMagic = 2,     // not a gossip datagram
  kBadVersion = 3,   // unsupported format version
  kMalformed = 4,    // msgpack or field types/limits wrong, or a message on the wrong transport
  kUnknownType = 5,  // message type not known to this version
  kUnknownKey = 6,   // sealed under a key id not in the keyring
  kAuthFailed = 7,   // AEAD authentication failed (tampered or wrong key)
  kNotSealed = 8,    // plain datagram while a keyring is configured
  kSealedNoKey = 9,  // sealed datagram while no keyring is configured
  kNotAllowed = 10,  // source address outside the allowed networks
  kKeyExpired = 11,  // sealed under a rotated-out key whose grace period has passed
};
inline constexpr std::size_t kDropReasonCount = 12;

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
  // Push-pull over the stream transport: exchanges we started, requests we answered,
  // exchanges that failed (refused, timed out, bad reply), frame bytes both ways.
  std::uint64_t push_pulls_sent = 0;
  std::uint64_t push_pulls_answered = 0;
  std::uint64_t push_pull_failures = 0;
  std::uint64_t stream_bytes_sent = 0;
  std::uint64_t stream_bytes_received = 0;
  // Bounded state (docs/GOSSIP.md "Bounded state"): new members refused because the
  // table held max_members, dead/left records evicted to make room, dead/left records
  // forgotten after dead_reclaim_ms, member records dropped because their gossip
  // address or an endpoint lies outside the allowed networks, ping-req relays refused
  // because max_members were outstanding, reachability reports over their size bound.
  std::uint64_t members_refused = 0;
  std::uint64_t members_evicted = 0;
  std::uint64_t members_reaped = 0;
  std::uint64_t records_not_allowed = 0;
  std::uint64_t relays_refused = 0;
  std::uint64_t reach_refused = 0;
  // Advertised addresses (docs/GOSSIP.md "Advertised addresses"): loopback/wildcard
  // hosts of our own endpoints replaced by the gossip host, own endpoints left out for
  // want of a usable host, and such hosts rewritten in records we received.
  std::uint64_t endpoints_substituted = 0;
  std::uint64_t endpoints_omitted = 0;
  std::uint64_t endpoints_rewritten = 0;
  std::uint64_t send_errors = 0;         // filled by drivers
  std::uint64_t streams_refused = 0;     // filled by drivers: inbound connections over the cap
  std::uint64_t connections_refused = 0; // filled by vsm::Node: max_gossip_connections reached
  int health_score = 0;                  // Lifeguard local health multiplier
  std::map<std::string, std::uint64_t> flaps;  // alive->suspect transitions per member held

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
