// Tunables of the SWIM + Lifeguard membership protocol (STYLE rule 11). Defaults are
// tuned for a local network: a crashed member is declared dead by everyone in about
// 1-1.5 s in a small cluster. See docs/GOSSIP.md for the derivation.
#pragma once

#include <cstdint>
#include <memory>

#include "vsm/gossip/keyring.hpp"

namespace vsm::gossip {

struct MembershipConfig {
  // Period between failure-detector probes (scaled by the Lifeguard health multiplier).
  std::uint64_t probe_interval_ms = 200;
  // Wait for a direct ack before asking `indirect_checks` members to probe for us.
  std::uint64_t probe_timeout_ms = 80;
  // Members asked to ping-req a target whose direct probe timed out.
  std::uint32_t indirect_checks = 3;
  // Suspicion timeout = suspicion_mult * max(1, log10(N)) * probe_interval_ms when
  // confirmed by suspicion_mult - 2 independent members; up to
  // suspicion_max_timeout_mult times that with no confirmations (Lifeguard).
  std::uint32_t suspicion_mult = 3;
  std::uint32_t suspicion_max_timeout_mult = 3;
  // Lifeguard local health multiplier ceiling (probe timeouts scale by score + 1).
  std::uint32_t awareness_max_multiplier = 8;
  // Piggybacked updates are retransmitted retransmit_mult * ceil(log10(N + 1)) times.
  std::uint32_t retransmit_mult = 4;
  // Dedicated gossip rounds: every gossip_interval_ms send pending updates to gossip_nodes.
  std::uint64_t gossip_interval_ms = 50;
  std::uint32_t gossip_nodes = 3;
  // Dead members still receive gossip this long (helps them refute after a partition).
  std::uint64_t gossip_to_dead_ms = 5'000;
  // Full-state push-pull with one random member; scaled up beyond 32 members like
  // memberlist (interval * ceil(log2(N) - log2(32))). 0 disables periodic push-pull.
  std::uint64_t push_pull_interval_ms = 5'000;
  // Every reconnect_interval_ms try a push-pull with one random dead (not left) member,
  // so the two sides of a healed partition rediscover each other. 0 disables.
  std::uint64_t reconnect_interval_ms = 1'000;
  // Join: resend the push-pull join request to the seeds this often until one answers.
  std::uint64_t join_retry_interval_ms = 500;
  // Dead and left members are forgotten after this long (0 = never).
  std::uint64_t dead_reclaim_ms = 60'000;
  // Reachability report (set of members this node cannot reach) is re-gossiped this
  // often even without changes, so late joiners learn it. 0 disables the refresh.
  std::uint64_t reach_refresh_interval_ms = 5'000;
  // Optional sealing of every datagram (null = plain datagrams).
  std::shared_ptr<const Keyring> keyring;
};

}  // namespace vsm::gossip
