// Bounded state against hostile or broken peers: the network allow-list for records,
// the max_members cap with eviction of dead/left records, reclaiming dead/left members
// after dead_reclaim_ms, and forgetting a member from every per-member structure.
#include <algorithm>

#include "vsm/gossip/advertise.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {

void Membership::build_filter(const std::vector<std::string>& seeds) {
  if (!config_.allowed_networks.empty()) {
    auto f = NetworkFilter::parse(config_.allowed_networks);
    // Fail closed: validate() reports the bad entry; an enabled empty list allows nothing.
    filter_ = f ? std::move(f).value() : NetworkFilter::parse({}).value();
    return;
  }
  if (config_.keyring) {
    filter_ = NetworkFilter{};  // authenticity comes from the key
    return;
  }
  std::vector<std::string> addresses = seeds;
  addresses.push_back(self_.endpoints.gossip);
  filter_ = NetworkFilter::derived(addresses);
}

bool Membership::accept_record(Member& record) {
  EndpointRewrite r = normalize_endpoints(record.endpoints);
  stats_.endpoints_rewritten += r.rewritten + r.omitted;
  if (record.name != self_name_ && !filter_.allows_endpoints(record.endpoints)) {
    stats_.records_not_allowed++;
    return false;
  }
  return true;
}

Membership::Slot Membership::admit(std::uint64_t now_ms, const Member& record) {
  if (table_.size() >= config_.max_members && !make_room()) {
    stats_.members_refused++;
    return kNoSlot;
  }
  Member m = record;
  m.state = MemberState::kAlive;
  m.state_change_ms = now_ms;
  return table_.insert(m);
}

// Evicts the dead or left member whose state changed longest ago.
bool Membership::make_room() {
  if (table_.count(MemberState::kDead) + table_.count(MemberState::kLeft) == 0) return false;
  Slot oldest = kNoSlot;
  table_.for_each([&](Slot s) {
    const auto& e = table_.entry(s);
    if (s == self_slot_ || (e.state != MemberState::kDead && e.state != MemberState::kLeft)) return;
    if (oldest == kNoSlot || e.state_change_ms < table_.entry(oldest).state_change_ms) oldest = s;
  });
  if (oldest == kNoSlot) return false;
  forget(oldest);
  stats_.members_evicted++;
  return true;
}

void Membership::reclaim(std::uint64_t now_ms) {
  if (config_.dead_reclaim_ms == 0 || now_ms < next_reclaim_ms_) return;
  next_reclaim_ms_ = now_ms + 1'000;
  if (table_.count(MemberState::kDead) + table_.count(MemberState::kLeft) == 0) return;
  std::vector<Slot> gone;
  table_.for_each([&](Slot s) {
    const auto& e = table_.entry(s);
    bool down = e.state == MemberState::kDead || e.state == MemberState::kLeft;
    if (s != self_slot_ && down && now_ms >= e.state_change_ms + config_.dead_reclaim_ms) {
      gone.push_back(s);
    }
  });
  for (Slot s : gone) forget(s);
  stats_.members_reaped += gone.size();
}

void Membership::forget(Slot s) {
  const std::string name = table_.name(s);
  if (table_.entry(s).state == MemberState::kDead) reach_dirty_ = true;
  table_.erase(s);
  suspicions_.erase(name);
  buddy_at_.erase(name);
  links_.erase(name);
  stats_.flaps.erase(name);
  reach_complete_.erase(name);
  reach_parts_.erase(name);
  broadcasts_.erase(name);
  broadcasts_.erase_prefix("reach/" + name + "/");
  std::erase_if(recent_dead_, [&](const auto& e) { return e.first == name; });
}

void Membership::note_dead(Slot s, std::uint64_t now_ms) {
  // Bounded like the table: an entry per dead member at most.
  if (recent_dead_.size() >= config_.max_members) recent_dead_.erase(recent_dead_.begin());
  recent_dead_.emplace_back(table_.name(s), now_ms);
}

}  // namespace vsm::gossip
