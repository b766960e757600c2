// Gossip membership wired into the node: runs the MembershipBridge (gossip thread),
// turns members' publish endpoints into SUB connects/disconnects and their DISH
// endpoints into algedonic peers, announces partition transitions on the fabric, and
// reports member and partition events as telemetry (telemetry/telemetry_hub.hpp, which
// never blocks the gossip thread).
// Everything a gossip callback triggers is posted to the reactor, so the gossip thread
// never blocks on the data plane (a blocked gossip thread would miss probes and be
// suspected itself).
// Thread-safety: create()/start()/stop() from the node's owner; readers any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "algedonic/algedonic_bridge.hpp"
#include "chaos/chaos_engine.hpp"
#include "membership/membership_bridge.hpp"
#include "publish/publish_path.hpp"
#include "reactor/reactor.hpp"
#include "telemetry/telemetry_hub.hpp"
#include "variety/degraded_mode.hpp"

namespace vsm::detail {

class MembershipWiring {
 public:
  MembershipWiring(const NodeConfig& config, Reactor& reactor, PublishPath& publish,
                   AlgedonicBridge& algedonic, TelemetryHub& telemetry,
                   DegradedMode& degraded, ChaosEngine& chaos);

  // User callbacks (before create()); they run on the gossip thread.
  void on_member_event(std::function<void(const gossip::MemberEvent&)> cb) {
    member_cb_ = std::move(cb);
  }
  void on_partition_event(std::function<void(const gossip::PartitionEvent&)> cb) {
    partition_cb_ = std::move(cb);
  }
  // Creates the bridge (no-op without gossip_bind): before the control server answers,
  // which reads it. Errors: a malformed gossip_bind.
  Status create();
  // Starts gossip, advertising `local` (after the reactor runs: the hooks post to it).
  Status start(const gossip::Endpoints& local);
  void stop();
  MembershipBridge* bridge() const noexcept { return bridge_.get(); }

 private:
  void post_connect(const std::string& endpoint, bool connect);
  void announce(const gossip::PartitionEvent& e);  // reactor thread
  void on_partition(const gossip::PartitionEvent& e);  // gossip thread

  const NodeConfig& config_;
  Reactor& reactor_;
  PublishPath& publish_;
  AlgedonicBridge& algedonic_;
  TelemetryHub& telemetry_;
  DegradedMode& degraded_;
  ChaosEngine& chaos_;
  std::function<void(const gossip::MemberEvent&)> member_cb_;
  std::function<void(const gossip::PartitionEvent&)> partition_cb_;
  std::unique_ptr<MembershipBridge> bridge_;
};

}  // namespace vsm::detail
