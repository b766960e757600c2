#include "chaos/chaos_gossip_hook.hpp"

namespace vsm::detail {

void ChaosGossipHook::learn(const gossip::MemberEvent& e) {
  const std::string& address = e.member.endpoints.gossip;
  if (address.empty()) return;
  std::lock_guard lock(mu_);
  if (e.kind == gossip::MemberEventKind::kLeft) {
    names_.erase(address);
  } else if (names_.size() < kMaxAddresses || names_.count(address) != 0) {
    names_[address] = e.member.name;
  }
}

FaultVerdict ChaosGossipHook::inbound(std::string_view from_address, std::uint64_t now_ms) {
  if (!engine_.active()) return {};
  std::string peer;
  {
    std::lock_guard lock(mu_);
    if (auto it = names_.find(from_address); it != names_.end()) peer = it->second;
  }
  return engine_.decide(ChaosPlane::kGossip, peer, std::nullopt, now_ms);
}

bool ChaosGossipHook::stream_allowed(std::string_view address, std::uint64_t now_ms) {
  if (!engine_.active()) return true;
  std::string peer;
  {
    std::lock_guard lock(mu_);
    if (auto it = names_.find(address); it != names_.end()) peer = it->second;
  }
  return peer.empty() || !engine_.ignores(peer, now_ms);
}

}  // namespace vsm::detail
