// The node's gossip statistics (NodeStats::gossip): filled from the membership bridge,
// and the "gossip" map of the control plane's stats reply (docs/PROTOCOL.md §2).
// Thread-safety: fill_gossip_stats() from any thread (the bridge's getters are);
// encode_gossip_stats() is pure.
#pragma once

#include "membership/membership_bridge.hpp"
#include "vsm/msgpack_writer.hpp"
#include "vsm/node_stats.hpp"

namespace vsm::detail {

// Leaves `s` zero (enabled = false) when `bridge` is null (no gossip).
void fill_gossip_stats(const MembershipBridge* bridge, GossipNodeStats& s);

// One msgpack map: enabled, members_alive, members_suspect, members_dead, probes_sent,
// probes_failed, push_pulls, push_pull_failures, bytes_sent, bytes_received.
void encode_gossip_stats(const GossipNodeStats& s, MsgpackWriter& w);

}  // namespace vsm::detail
