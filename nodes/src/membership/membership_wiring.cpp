// NodeCore and gossip membership: start the bridge with this node's endpoints, wire
// members' publish endpoints into the SUB socket and their DISH endpoints into the
// algedonic lane, and announce partition transitions on the fabric.
#include <spdlog/spdlog.h>

#include "core/node_core.hpp"
#include "vsm/ids.hpp"
#include "vsm/value_pack.hpp"

namespace vsm::detail {

void NodeCore::create_membership() {
  if (config_.gossip_bind.empty()) return;
  MembershipHooks hooks;
  hooks.connect_pub = [this](const std::string& ep) { post_connect(ep, true); };
  hooks.disconnect_pub = [this](const std::string& ep) { post_connect(ep, false); };
  hooks.add_dish = [this](const std::string& ep) {
    if (algedonic_) (void)algedonic_->add_peer(ep);
  };
  hooks.remove_dish = [this](const std::string& ep) {
    if (algedonic_) (void)algedonic_->remove_peer(ep);
  };
  hooks.partition_changed = [this](const gossip::PartitionEvent& e) { on_partition(e); };
  membership_ = std::make_unique<MembershipBridge>(config_, std::move(hooks));
  if (member_cb_) membership_->on_member_event(member_cb_);
  if (partition_cb_) membership_->on_partition_event(partition_cb_);
}

Status NodeCore::start_membership() {
  if (!membership_) return {};
  gossip::Endpoints local;
  const auto eps = endpoints();
  if (!eps.empty()) local.pub = eps.front();
  local.control = control_endpoint();
  if (algedonic_) local.dish = algedonic_->dish_endpoint();
  return membership_->start(local);
}

// Never blocks the gossip thread: the reactor applies the change on its next turn.
void NodeCore::post_connect(const std::string& endpoint, bool connect) {
  if (closing_) return;
  const bool posted = commands_.post([this, endpoint, connect] {
    try {
      if (connect && connected_.insert(endpoint).second) {
        sub_.connect(endpoint);
      } else if (!connect && connected_.erase(endpoint)) {
        sub_.disconnect(endpoint);
      }
    } catch (const zmq::error_t& e) {
      spdlog::warn("vsm: node {}: {} {}: {}", config_.name, connect ? "connect" : "disconnect",
                   endpoint, e.what());
    }
    counters_.connected_publishers.store(connected_.size());
  });
  if (posted) queue_.wake();
}

// A degraded partition is announced on the audit channel (and as an algedonic pain
// signal); healing is announced on audit. System events bypass the flow rules.
void NodeCore::on_partition(const gossip::PartitionEvent& e) {
  const auto& view = e.view;
  if (e.from == e.to) return;  // membership of the partitions changed, not the state
  spdlog::info("vsm: node {} partition state {} -> {}{}{}", config_.name,
               gossip::partition_state_name(e.from), gossip::partition_state_name(e.to),
               view.reason.empty() ? "" : ": ", view.reason);
  Event ev;
  ev.channel = Channel::kAudit;
  ev.source = config_.name;
  ev.type = e.to == gossip::PartitionState::kDegraded ? "partition_degraded"
            : e.to == gossip::PartitionState::kHealing ? "partition_healing"
                                                        : "partition_healthy";
  std::vector<std::string> local;
  if (view.local < view.partitions.size()) local = view.partitions[view.local].members;
  ev.payload = pack_value(std::map<std::string, std::string>{
      {"reason", view.reason}, {"partitions", std::to_string(view.partitions.size())}});
  ev.metadata["members"] = pack_value(local);
  if (auto r = publish_system(std::move(ev)); !r) {
    spdlog::warn("vsm: node {} could not announce partition change: {}", config_.name,
                 r.error().to_string());
  }
  if (e.to == gossip::PartitionState::kDegraded && algedonic_) {
    (void)publish_algedonic(Severity::kHigh, Signal::kPain, "network partition: " + view.reason,
                            {{"partitions", static_cast<double>(view.partitions.size())},
                             {"local_members", static_cast<double>(local.size())}});
  }
}

}  // namespace vsm::detail
