#include "membership/gossip_node_stats.hpp"

namespace vsm::detail {

void fill_gossip_stats(const MembershipBridge* bridge, GossipNodeStats& s) {
  s = GossipNodeStats{};
  if (bridge == nullptr) return;
  s.enabled = true;
  for (const auto& m : bridge->members()) {
    switch (m.state) {
      case gossip::MemberState::kAlive: ++s.members_alive; break;
      case gossip::MemberState::kSuspect: ++s.members_suspect; break;
      case gossip::MemberState::kDead: ++s.members_dead; break;
      default: break;  // left: gone on purpose
    }
  }
  const gossip::GossipStats g = bridge->stats();
  s.probes_sent = g.probes_sent;
  s.probes_failed = g.probes_failed;
  s.push_pulls = g.push_pulls_sent + g.push_pulls_answered;
  s.push_pull_failures = g.push_pull_failures;
  s.bytes_sent = g.bytes_sent + g.stream_bytes_sent;
  s.bytes_received = g.bytes_received + g.stream_bytes_received;
}

void encode_gossip_stats(const GossipNodeStats& s, MsgpackWriter& w) {
  w.map_header(10);
  w.str("enabled"); w.boolean(s.enabled);
  w.str("members_alive"); w.uint(s.members_alive);
  w.str("members_suspect"); w.uint(s.members_suspect);
  w.str("members_dead"); w.uint(s.members_dead);
  w.str("probes_sent"); w.uint(s.probes_sent);
  w.str("probes_failed"); w.uint(s.probes_failed);
  w.str("push_pulls"); w.uint(s.push_pulls);
  w.str("push_pull_failures"); w.uint(s.push_pull_failures);
  w.str("bytes_sent"); w.uint(s.bytes_sent);
  w.str("bytes_received"); w.uint(s.bytes_received);
}

}  // namespace vsm::detail
