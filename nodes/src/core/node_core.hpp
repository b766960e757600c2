// The implementation behind vsm::Node: the composition root. It owns the components,
// wires them together through narrow interfaces, and orders their start and stop. Each
// component owns its state and its thread, if any (docs/THREADING.md):
//   log/        NodeLog            the event log
//   publish/    PublishPath        publish(), the XPUB, the sender thread
//   reactor/    Reactor            the SUB socket and the reactor thread
//   receive/    ReceivePath        what the reactor does with each message
//   subscribe/  Subscriptions, Dispatcher (callback thread), SubscriptionState
//   delivery/   ReliableDelivery   Reliable mode: trackers, repair lanes
//   algedonic/  AlgedonicBridge    the algedonic lane (its own thread and context)
//   membership/ MembershipWiring   gossip (its own thread)
//   control/    ControlWiring      the control plane (its own thread)
//   telemetry/  TelemetryHub       reports about the node, rates, health (its own thread)
//   metrics/    MetricsServer      Prometheus /metrics over HTTP (its own thread)
//   variety/    DegradedMode, BargainReceiver, CompressionStage (in PublishPath)
//   chaos/      ChaosEngine        built-in fault injection on the receive paths
// Shared with Subscription handles by weak_ptr.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "algedonic/algedonic_bridge.hpp"
#include "chaos/chaos_engine.hpp"
#include "control/control_wiring.hpp"
#include "core/callback_scope.hpp"
#include "core/node_counters.hpp"
#include "delivery/reliable_delivery.hpp"
#include "log/node_log.hpp"
#include "membership/membership_wiring.hpp"
#include "metrics/metrics_server.hpp"
#include "publish/publish_path.hpp"
#include "reactor/reactor.hpp"
#include "receive/receive_path.hpp"
#include "security/node_security.hpp"
#include "subscribe/dispatcher.hpp"
#include "subscribe/subscriptions.hpp"
#include "telemetry/telemetry_hub.hpp"
#include "variety/bargain.hpp"
#include "variety/degraded_mode.hpp"
#include "vsm/hlc.hpp"
#include "vsm/node.hpp"

namespace vsm::detail {

class NodeCore : public std::enable_shared_from_this<NodeCore> {
 public:
  explicit NodeCore(NodeConfig config);
  ~NodeCore();
  NodeCore(const NodeCore&) = delete;
  NodeCore& operator=(const NodeCore&) = delete;

  Status start();
  void close();
  // Idempotent. From a callback of this node, joins every thread but the caller's.
  void stop();
  // True while the calling thread runs one of this node's user callbacks.
  bool in_own_callback() const noexcept;

  Result<PublishReceipt> publish(Event& event);  // in place (PublishPath::publish_in_place)
  Result<Subscription> subscribe(Filter filter, EventCallback callback, SubscribeOptions options);
  void unsubscribe(const std::shared_ptr<SubscriptionState>& state);
  Status connect(const std::string& endpoint);
  Status disconnect(const std::string& endpoint);
  bool wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const {
    return publish_.wait_for_subscribers(n, timeout);
  }
  std::vector<std::string> endpoints() const { return publish_.endpoints(); }
  std::string control_endpoint() const { return control_.endpoint(); }

  MembershipBridge* membership() const noexcept { return membership_.bridge(); }
  void set_member_callback(std::function<void(const gossip::MemberEvent&)> cb);
  void set_partition_callback(std::function<void(const gossip::PartitionEvent&)> cb);
  const NodeConfig& config() const noexcept { return config_; }

  Result<AlgedonicReceipt> publish_algedonic(Severity severity, Signal signal,
                                             std::string description,
                                             const std::map<std::string, double>& metrics);
  AlgedonicLane* algedonic() const noexcept { return algedonic_.lane(); }
  std::uint64_t add_algedonic_callback(AlgedonicCallback callback);
  NodeStats stats() const;

  std::uint64_t add_telemetry_callback(TelemetryCallback callback, TelemetryOrigin origin);
  void remove_telemetry_callback(std::uint64_t token) { telemetry_.remove_callback(token); }
  std::vector<TelemetryEvent> recent_telemetry() const { return telemetry_.recent(); }
  std::string metrics_endpoint() const { return metrics_.endpoint(); }

 private:
  Status validate_config() const;
  // Wires the telemetry hub (sources, sinks) and starts it; then the metrics endpoint.
  void start_telemetry();
  Status start_metrics();
  std::string render_metrics() const;
  HealthReport evaluate_health_now(const NodeStats& s) const;
  void feed_partition_detector();  // algedonic alerts -> vsm_health
  // Wraps a user callback so it runs inside a CallbackScope of this node.
  template <typename F>
  auto scoped(F f) const {
    return [this, f = std::move(f)](const auto& arg) {
      CallbackScope scope(this);
      f(arg);
    };
  }

  NodeConfig config_;
  const std::string instance_;
  HybridClock clock_;
  NodeCounters counters_;
  TelemetryHub telemetry_;
  zmq::context_t ctx_;
  NodeSecurity security_;
  NodeLog log_;
  ChaosEngine chaos_;
  DegradedMode degraded_;
  PublishPath publish_;
  Dispatcher dispatcher_;
  Subscriptions subscriptions_;
  Reactor reactor_;
  ReliableDelivery reliable_;
  BargainReceiver bargain_;
  ReceivePath receive_;
  AlgedonicBridge algedonic_;
  MembershipWiring membership_;
  ControlWiring control_;
  MetricsServer metrics_;
  std::atomic<bool> started_{false};
  std::atomic<bool> closing_{false};
};

}  // namespace vsm::detail
