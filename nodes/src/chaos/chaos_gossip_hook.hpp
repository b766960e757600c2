// Fault injection on the gossip plane: the UdpDriver's DatagramHook, backed by the
// node's ChaosEngine. Rules name peers by node name; datagrams carry only an address,
// so the hook keeps the members' gossip addresses (learned from member events). A named
// partition also refuses to start push-pull exchanges (TCP) with its members.
// Thread-safety: learn() from the gossip thread (member events), inbound() on it too;
// the mutex is a leaf. Costs one atomic load per datagram while no rule is active.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "chaos/chaos_engine.hpp"
#include "vsm/gossip/datagram_hook.hpp"
#include "vsm/gossip/member.hpp"

namespace vsm::detail {

class ChaosGossipHook final : public gossip::DatagramHook {
 public:
  explicit ChaosGossipHook(ChaosEngine& engine) : engine_(engine) {}
  // Remembers (or forgets, for a left member) a member's gossip address.
  void learn(const gossip::MemberEvent& e);
  FaultVerdict inbound(std::string_view from_address, std::uint64_t now_ms) override;
  // No push-pull with a member of the named partition.
  bool stream_allowed(std::string_view address, std::uint64_t now_ms) override;

 private:
  static constexpr std::size_t kMaxAddresses = 4'096;
  ChaosEngine& engine_;
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> names_;  // gossip address -> member name
};

}  // namespace vsm::detail
