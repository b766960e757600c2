#include "membership/gossip_node_stats.hpp"

#include <iterator>
#include <string_view>
#include <utility>

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
  using Field = std::pair<std::string_view, std::uint64_t GossipNodeStats::*>;
  static constexpr Field kFields[] = {
      {"members_alive", &GossipNodeStats::members_alive},
      {"members_suspect", &GossipNodeStats::members_suspect},
      {"members_dead", &GossipNodeStats::members_dead},
      {"probes_sent", &GossipNodeStats::probes_sent},
      {"probes_failed", &GossipNodeStats::probes_failed},
      {"push_pulls", &GossipNodeStats::push_pulls},
      {"push_pull_failures", &GossipNodeStats::push_pull_failures},
      {"bytes_sent", &GossipNodeStats::bytes_sent},
      {"bytes_received", &GossipNodeStats::bytes_received},
  };
  w.map_header(1 + std::size(kFields));
  w.str("enabled");
  w.boolean(s.enabled);
  for (const auto& [key, member] : kFields) {
    w.str(key);
    w.uint(s.*member);
  }
}

}  // namespace vsm::detail
