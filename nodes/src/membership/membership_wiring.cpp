#include "membership/membership_wiring.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "telemetry/telemetry_reports.hpp"
#include "chaos/chaos_gossip_hook.hpp"

#include "vsm/value_pack.hpp"

namespace vsm::detail {

MembershipWiring::MembershipWiring(const NodeConfig& config, Reactor& reactor,
                                   PublishPath& publish, AlgedonicBridge& algedonic,
                                   TelemetryHub& telemetry, DegradedMode& degraded,
                                   ChaosEngine& chaos)
    : config_(config),
      reactor_(reactor),
      publish_(publish),
      algedonic_(algedonic),
      telemetry_(telemetry),
      degraded_(degraded),
      chaos_(chaos) {}

Status MembershipWiring::create() {
  if (config_.gossip_bind.empty()) return {};
  MembershipHooks hooks;
  hooks.connect_pub = [this](const std::string& ep) { post_connect(ep, true); };
  hooks.disconnect_pub = [this](const std::string& ep) { post_connect(ep, false); };
  // The lane's peer list is its own (thread-safe, never blocks on the data plane).
  hooks.add_dish = [this](const std::string& ep) {
    if (auto* lane = algedonic_.lane()) (void)lane->add_peer(ep);
  };
  hooks.remove_dish = [this](const std::string& ep) {
    if (auto* lane = algedonic_.lane()) (void)lane->remove_peer(ep);
  };
  hooks.partition_changed = [this](const gossip::PartitionEvent& e) {
    telemetry_.report(partition_report(e));  // state or sides changed
    on_partition(e);
  };
  if (config_.chaos.enabled) {  // no hook at all otherwise: gossip pays nothing
    auto hook = std::make_shared<ChaosGossipHook>(chaos_);
    hooks.member_changed = [hook](const gossip::MemberEvent& e) { hook->learn(e); };
    hooks.datagram_hook = std::move(hook);
  }
  auto bridge = MembershipBridge::create(config_, std::move(hooks));
  if (!bridge) return bridge.error();
  bridge_ = std::move(bridge).value();
  bridge_->on_member_event([this](const gossip::MemberEvent& e) {
    if (e.member.name != config_.name) telemetry_.report(member_report(e));
    if (member_cb_) member_cb_(e);
  });
  if (partition_cb_) bridge_->on_partition_event(partition_cb_);
  return {};
}

Status MembershipWiring::start(const gossip::Endpoints& local) {
  return bridge_ ? bridge_->start(local) : Status();
}

void MembershipWiring::stop() {
  if (bridge_) bridge_->stop();
}

void MembershipWiring::post_connect(const std::string& endpoint, bool connect) {
  reactor_.post([this, endpoint, connect] {
    // A departed publisher's last events may still be on their way: read them first.
    auto st = connect ? reactor_.connect(endpoint)
                      : reactor_.disconnect_after(
                            endpoint, std::chrono::milliseconds(config_.departed_publisher_grace_ms));
    if (!st && st.error().code() != ErrorCode::kNotFound) {
      spdlog::warn("vsm: node {}: {} {}: {}", config_.name, connect ? "connect" : "disconnect",
                   endpoint, st.error().to_string());
    }
  });
}

// Gossip thread: degraded mode follows the view at once (it never blocks); one-way
// links are logged; state changes are announced from the reactor.
void MembershipWiring::on_partition(const gossip::PartitionEvent& e) {
  if (bridge_) degraded_.update(e.view, bridge_->members());
  for (const auto& link : e.view.one_way) {
    spdlog::warn("vsm: node {}: one-way link: {} hears {}, {} does not hear {}", config_.name,
                 link.from, link.to, link.to, link.from);
  }
  if (e.from == e.to) return;  // membership of the partitions changed, not the state
  reactor_.post([this, e] { announce(e); });
}

// A degraded partition is announced on the audit channel (and as an algedonic pain
// signal); healing is announced on audit. System events bypass the flow rules and
// never wait for queue room (this runs on the reactor).
void MembershipWiring::announce(const gossip::PartitionEvent& e) {
  const auto& view = e.view;
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
  if (e.from == gossip::PartitionState::kDegraded) {
    // What was published while degraded, for reconciliation (docs/VARIETY.md).
    std::map<std::string, std::vector<std::uint64_t>> ranges;
    for (const auto& [ch, r] : degraded_.take_ranges()) {
      ranges[std::string(channel_name(ch))] = {r.first, r.second};
    }
    ev.metadata["degraded_ranges"] = pack_value(ranges);
  }
  if (auto r = publish_.publish(std::move(ev), PublishOrigin::kSystem); !r) {
    spdlog::warn("vsm: node {} could not announce partition change: {}", config_.name,
                 r.error().to_string());
  }
  if (e.to == gossip::PartitionState::kDegraded && algedonic_.lane()) {
    (void)algedonic_.raise(Severity::kHigh, Signal::kPain, "network partition: " + view.reason,
                           {{"partitions", static_cast<double>(view.partitions.size())},
                            {"local_members", static_cast<double>(local.size())}},
                           PublishOrigin::kSystem);
  }
}

}  // namespace vsm::detail
