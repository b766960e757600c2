// Tunables of the SWIM + Lifeguard membership protocol (STYLE rule 11). Defaults are
// tuned for a local network: a crashed member is declared dead by everyone in about
// 1-1.5 s in a cluster of up to 50. docs/GOSSIP.md derives them and lists every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsm/gossip/keyring.hpp"

namespace vsm::gossip {

struct MembershipConfig {
  // --- Failure detection (SWIM + Lifeguard) ---
  // Period between failure-detector probes (scaled by the Lifeguard health multiplier).
  std::uint64_t probe_interval_ms = 180;
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

  // --- Dissemination ---
  // Piggybacked updates are retransmitted retransmit_mult * ceil(log10(N + 1)) times.
  std::uint32_t retransmit_mult = 4;
  // Dedicated gossip rounds: every gossip_interval_ms send pending updates to gossip_nodes.
  std::uint64_t gossip_interval_ms = 50;
  std::uint32_t gossip_nodes = 3;
  // Dead members still receive gossip this long (helps them refute after a partition).
  std::uint64_t gossip_to_dead_ms = 5'000;

  // --- Push-pull anti-entropy over a stream (TCP in UdpDriver) ---
  // Full-state push-pull with one random member; scaled up beyond 32 members like
  // memberlist (interval * ceil(log2(N) - log2(32))). 0 disables periodic push-pull.
  std::uint64_t push_pull_interval_ms = 5'000;
  // Every reconnect_interval_ms try a push-pull with one random dead (not left) member,
  // so the two sides of a healed partition rediscover each other. 0 disables.
  std::uint64_t reconnect_interval_ms = 1'000;
  // Join: retry the push-pull with the seeds this often until one answers.
  std::uint64_t join_retry_interval_ms = 500;
  // Three follow-up push-pulls with random members this long after the join succeeded,
  // then twice and four times that (each 0.75-1.25x, so nodes that joined together do
  // not sync together; none beyond the regular interval): they pick up members that
  // joined at the same time as this node, missing from the seed's answer. 0 disables them.
  std::uint64_t join_sync_delay_ms = 500;
  // A push-pull exchange (connect, request, reply) that takes longer fails.
  std::uint64_t push_pull_timeout_ms = 2'000;
  // Largest push-pull frame accepted or sent (bytes, after sealing); bigger ones are
  // refused and counted. Must hold max_members records (<= 1,000 bytes each).
  std::size_t push_pull_max_bytes = 4u << 20;

  // --- Bounded state against hostile or broken peers ---
  // Members held, this node included. A new member beyond it evicts the dead/left record
  // that changed state longest ago, or is refused (counted) when there is none.
  std::size_t max_members = 1'024;
  // Dead and left members are forgotten after this long (0 = never).
  std::uint64_t dead_reclaim_ms = 60'000;
  // Networks (CIDR, IPv4 or IPv6: "10.0.0.0/8", "fd00::/8") whose addresses may send
  // datagrams and push-pull connections and appear in member records (gossip address
  // and endpoint hosts). Empty: no filter when keyed; unkeyed, the /24 (/64 for IPv6)
  // around this node's gossip address and each seed, plus loopback when one of them is
  // loopback. Membership::validate() rejects malformed entries (UdpDriver::start() fails
  // with kInvalid); a Membership built with them anyway allows no network (fails closed).
  std::vector<std::string> allowed_networks;

  // --- Partition detection input ---
  // Reachability report (set of members this node cannot reach) is re-gossiped this
  // often even without changes, so late joiners learn it. 0 disables the refresh.
  std::uint64_t reach_refresh_interval_ms = 5'000;
  // One-way links (docs/GOSSIP.md "One-way links"): a member this node hears directly
  // (its pings arrive) whose last one_way_probes probes all failed directly but
  // succeeded through ping-req, the last one within one_way_window_ms, is reported as
  // "our datagrams do not reach it".
  std::uint32_t one_way_probes = 2;
  std::uint64_t one_way_window_ms = 10'000;

  // --- Sealing ---
  // Optional sealing of every datagram and push-pull frame (null = plain).
  std::shared_ptr<const Keyring> keyring;
  // After rotate_key() the previous primary key still opens datagrams this long, then
  // it is dropped and datagrams sealed with it count as key_expired.
  std::uint64_t key_grace_ms = 300'000;
};

}  // namespace vsm::gossip
