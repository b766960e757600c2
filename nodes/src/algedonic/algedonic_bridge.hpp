// The node's side of the algedonic plane: starts the lane (algedonic/algedonic_lane.hpp),
// raises alerts (lane copy first, then the redundant data-plane copy through the
// publish path), and tells the receive path whether an algedonic event arriving on the
// data plane is the first copy of its id. Alerts first seen on the lane reach ordinary
// subscriptions through `to_subscribers` (posted to the reactor, which owns them).
// Thread-safety: raise() and the readers from any thread; start()/close()/stop() from
// the node's owner.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "algedonic/algedonic_lane.hpp"
#include "publish/publish_path.hpp"
#include "vsm/algedonic.hpp"
#include "vsm/hlc.hpp"

namespace vsm::detail {

class AlgedonicBridge {
 public:
  AlgedonicBridge(const NodeConfig& config, HybridClock& clock, PublishPath& publish,
                  std::function<void(Event&&)> to_subscribers, ChaosEngine* chaos = nullptr);

  // Told about every alert raised here (user's and the node's own), after it was sent;
  // set before start(). Runs on the raising thread; must not block.
  using RaiseHook = std::function<void(const AlgedonicReceipt&, Severity, Signal,
                                       const Event& alert)>;
  void set_raise_hook(RaiseHook hook) { raise_hook_ = std::move(hook); }

  Status start();
  // `origin` kSystem: the node's own alert (its data-plane copy never waits for room).
  Result<AlgedonicReceipt> raise(Severity severity, Signal signal, std::string description,
                                 const std::map<std::string, double>& metrics,
                                 PublishOrigin origin = PublishOrigin::kUser);
  // Receive path (reactor thread): true for the first copy of an alert id.
  bool first_copy(const Event& event) { return lane_ ? lane_->on_data_plane(event) : true; }
  // Null before start() or when it failed.
  AlgedonicLane* lane() const noexcept { return lane_.get(); }
  void close();
  void stop();

 private:
  const NodeConfig& config_;
  HybridClock& clock_;
  PublishPath& publish_;
  std::function<void(Event&&)> to_subscribers_;
  RaiseHook raise_hook_;
  ChaosEngine* chaos_;
  std::unique_ptr<AlgedonicLane> lane_;
};

}  // namespace vsm::detail
