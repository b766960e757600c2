// Reachability reports for the partition detector: each member gossips the set of
// members it holds as dead (chunked, versioned by its clock) and assembles the others'.
#include <algorithm>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {
namespace {

// Room for the reach header fields inside one datagram.
constexpr std::size_t kChunkHeaderBytes = 48;

std::size_t chunk_budget(bool sealed) {
  return format::kMaxDatagramBytes - datagram_overhead(1, sealed) - kChunkHeaderBytes;
}

}  // namespace

// Enough chunks for max_members names of 30 bytes: bounds what forged reports can make
// this node hold and re-gossip (reports only keep names of members held here).
std::uint32_t Membership::reach_chunk_limit() const noexcept {
  const std::size_t bytes = config_.max_members * 32;
  return static_cast<std::uint32_t>(bytes / chunk_budget(config_.keyring != nullptr) + 1);
}

void Membership::on_reach(const Reach& m) {
  if (m.origin == self_name_ || table_.find(m.origin) == kNoSlot) return;
  if (m.chunks > reach_chunk_limit()) {
    stats_.reach_refused++;
    return;
  }
  ReachAssembly& a = reach_parts_[m.origin];
  if (m.version < a.version) return;
  if (m.version > a.version || a.chunks != m.chunks) {
    a = ReachAssembly{m.version, m.chunks, {}};
  }
  if (a.parts.count(m.chunk) != 0) return;  // already known
  // Only names this node knows matter to the partition graph; the rest is not kept.
  Reach known{m.origin, m.version, m.chunk, m.chunks, {}};
  for (const auto& name : m.unreachable) {
    if (table_.find(name) != kNoSlot) known.unreachable.push_back(name);
  }
  a.parts.emplace(m.chunk, known.unreachable);
  broadcast("reach/" + m.origin + "/" + std::to_string(m.chunk), known);
  if (a.parts.size() != a.chunks) return;
  std::set<std::string> all;
  for (const auto& [i, names] : a.parts) all.insert(names.begin(), names.end());
  reach_complete_[m.origin] = std::move(all);
}

void Membership::update_reach(std::uint64_t now_ms, bool force) {
  const bool refresh = config_.reach_refresh_interval_ms != 0 && reach_version_ != 0 &&
                       now_ms >= next_reach_refresh_ms_;
  if (!reach_dirty_ && !refresh && !force) return;
  reach_dirty_ = false;
  std::set<std::string> now_unreachable;
  if (table_.count(MemberState::kDead) != 0) {
    table_.for_each([&](Slot s) {
      if (table_.entry(s).state == MemberState::kDead) now_unreachable.insert(table_.name(s));
    });
  }
  const bool changed = now_unreachable != local_unreachable_;
  if (!changed && !refresh && !force) return;
  if (changed) {
    local_unreachable_ = std::move(now_unreachable);
    // Versions must survive restarts of the origin, so they follow the clock.
    reach_version_ = std::max(reach_version_ + 1, now_ms);
  }
  next_reach_refresh_ms_ = now_ms + config_.reach_refresh_interval_ms;
  const std::size_t budget = chunk_budget(config_.keyring != nullptr);
  std::vector<std::vector<std::string>> chunks(1);
  std::size_t used = 0;
  for (const auto& name : local_unreachable_) {
    if (used + name.size() + 2 > budget && !chunks.back().empty()) {
      chunks.emplace_back();
      used = 0;
    }
    chunks.back().push_back(name);
    used += name.size() + 2;
  }
  const auto total = static_cast<std::uint32_t>(chunks.size());
  for (std::uint32_t i = 0; i < total; ++i) {
    broadcast("reach/" + self_name_ + "/" + std::to_string(i),
              Reach{self_name_, reach_version_, i, total, std::move(chunks[i])});
  }
}

MembershipFootprint Membership::footprint() const {
  MembershipFootprint f;
  f.members = table_.size();
  f.suspicions = suspicions_.size();
  f.buddy_pings = buddy_at_.size();
  f.broadcasts = broadcasts_.size();
  f.relays = relays_.size();
  f.reach_reports = std::max(reach_complete_.size(), reach_parts_.size());
  for (const auto& [o, names] : reach_complete_) f.reach_names += names.size();
  for (const auto& [o, a] : reach_parts_) {
    for (const auto& [i, names] : a.parts) f.reach_names += names.size();
  }
  f.flaps = stats_.flaps.size();
  f.recent_dead = recent_dead_.size();
  f.pending_streams = pending_syncs_.size();
  f.table_bytes = table_.memory_bytes();
  f.pool_records = table_.pool().record_count();
  return f;
}

}  // namespace vsm::gossip
