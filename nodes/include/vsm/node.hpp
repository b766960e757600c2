// vsm::Node: the embedded fabric endpoint of one process.
//
//   vsm::NodeConfig cfg;
//   cfg.name = "s1.ops-3"; cfg.role = vsm::Role::kS1;
//   cfg.peers = {"tcp://127.0.0.1:5555"};
//   vsm::Node node(cfg);
//   if (auto st = node.start(); !st) { /* st.error().message() */ }
//   auto sub = node.subscribe(vsm::Filter::on(vsm::Channel::kCommand)).value();
//   vsm::Event e; e.channel = vsm::Channel::kCoordination; e.type = "status";
//   auto receipt = node.publish(std::move(e));  // Result<PublishReceipt>
//   auto ev = sub.next(std::chrono::seconds(1));
//
// Threads (docs/THREADING.md): publish() encodes and numbers the event on the caller's
// thread and commits it there (log, then wire) when nothing is queued
// (NodeConfig::publish_inline), otherwise hands it to the sender thread over a bounded
// queue. The reactor thread owns the SUB socket: it decodes received events and hands
// them to subscription queues in batches; Subscription::next_into() reuses the caller's
// Event. Callback subscriptions run on a dispatcher thread, never on the reactor. Thread-safety: every method is safe to call
// from any thread. Lifetime: movable; stop() (or the destructor) joins the threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsm/algedonic.hpp"
#include "vsm/event.hpp"
#include "vsm/filter.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/health.hpp"
#include "vsm/node_config.hpp"
#include "vsm/node_stats.hpp"
#include "vsm/result.hpp"
#include "vsm/subscription.hpp"
#include "vsm/telemetry.hpp"

namespace vsm {

namespace detail {
class NodeCore;
}

struct PublishReceipt {
  EventId id;
  std::uint64_t seq = 0;      // 0 when the event was folded into a summary
  bool compressed = false;    // folded into a summary (NodeConfig::compression)
};

using EventCallback = std::function<void(const Event&)>;

class Node {
 public:
  explicit Node(NodeConfig config);
  Node(Node&&) noexcept;
  Node& operator=(Node&&) noexcept;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();  // stop()

  // Binds and connects the sockets and starts the threads. Fails with kInvalid for a
  // bad config and kIo when an endpoint cannot be bound. Not idempotent.
  Status start();
  // Idempotent, non-blocking: stops accepting work; queued events are flushed for up
  // to linger_ms; pending next() calls return empty.
  void close();
  // close() and wait for the threads. Idempotent. May be called from the node's own
  // callbacks: it then joins every other thread, and a later stop() (or the destructor)
  // joins the calling one. Destroying the Node from its own callback is allowed too.
  void stop();

  // Fills id (if empty), source (node name if empty), ts and seq; validates the event
  // and the flow rule; encodes it; queues it for sending. Never blocks on a peer.
  // Errors: kInvalid, kTooLarge, kBlocked, kQueueFull, kShuttingDown, kDegraded (a
  // command on a degraded side, docs/VARIETY.md). With compression configured for its
  // channel and type the event may be folded into a summary (receipt.compressed).
  Result<PublishReceipt> publish(Event event);
  // publish() without giving the event up, for hot loops: `event` keeps its strings'
  // and payload's buffers, so a loop that reassigns the payload (Value::assign_encoded)
  // and publishes the same Event allocates nothing per event. The receipt takes the id:
  // event.id is nil afterwards, and the next publish_from() gives it a fresh one. Source
  // (when empty), priority (algedonic), ts and seq are filled in as by publish().
  Result<PublishReceipt> publish_from(Event& event);

  // Pull subscription: read events with Subscription::next().
  Result<Subscription> subscribe(Filter filter, SubscribeOptions options = {});
  // Callback subscription: `callback` runs on the node's dispatcher thread, in order.
  Result<Subscription> subscribe(Filter filter, EventCallback callback,
                                 SubscribeOptions options = {});

  // Connects the SUB socket to another publisher's endpoint (idempotent).
  Status connect(const std::string& endpoint);
  Status disconnect(const std::string& endpoint);

  // Waits until at least `n` remote subscriber nodes have their subscriptions in place
  // on this node's publisher; events published afterwards reach them (within the HWM).
  bool wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout);

  // --- Algedonic lane (vsm/algedonic.hpp) ---
  // Raises an alert: sends it at once to every algedonic peer over UDP (retried until
  // acknowledged, up to algedonic_max_retries) and also publishes it on the data plane.
  // Never blocks on a peer; the receipt's report resolves when every peer is settled.
  // Errors: kTooLarge (does not fit one datagram; never truncated), kInvalid, kBlocked
  // (flow rules), kShuttingDown.
  Result<AlgedonicReceipt> publish_algedonic(Severity severity, Signal signal,
                                             std::string description,
                                             const std::map<std::string, double>& metrics = {});
  // Registers a callback run on the algedonic thread, exactly once per alert id, however
  // it arrived (lane or data plane). Returns a token for remove_algedonic_callback().
  // REQUIRES: start() succeeded.
  std::uint64_t on_algedonic(AlgedonicCallback callback);
  void remove_algedonic_callback(std::uint64_t token);
  // Adds / removes a peer DISH endpoint ("udp://IPv4:PORT"); idempotent add, kNotFound
  // for an unknown removal. Used for static peers and by gossip. REQUIRES: started.
  Status add_algedonic_peer(const std::string& endpoint);
  Status remove_algedonic_peer(const std::string& endpoint);
  std::vector<std::string> algedonic_peers() const;
  // This node's advertised DISH endpoint (after start()); empty when not receiving.
  std::string dish_endpoint() const;

  // Resolved publish endpoints (after start()).
  std::vector<std::string> endpoints() const;
  // Gossip membership (empty without NodeConfig::gossip_bind). Callbacks: set before
  // start(); they run on the gossip thread and must not block.
  std::vector<gossip::Member> members() const;
  gossip::PartitionView partition_view() const;
  // healthy / degraded / healing (healthy without gossip).
  gossip::PartitionState partition_state() const { return partition_view().state; }
  void on_member_event(std::function<void(const gossip::MemberEvent&)> callback);
  void on_partition_event(std::function<void(const gossip::PartitionEvent&)> callback);
  // "host:port" of the gossip socket (after start()); empty without gossip.
  std::string gossip_address() const;

  // Resolved control endpoint (after start()); empty when disabled.
  std::string control_endpoint() const;
  const NodeConfig& config() const;
  NodeStats stats() const;

  // --- Operations: telemetry, health, metrics (docs/OPERATIONS.md) ---
  // Registers a callback for this node's own telemetry reports (kLocal) or for those of
  // the other nodes it hears (kRemote: subscribes the receive socket to them). Runs on
  // the node's telemetry thread, in report order. Any time, also before start().
  // Returns a token for remove_telemetry_callback().
  std::uint64_t on_telemetry(TelemetryCallback callback,
                             TelemetryOrigin origin = TelemetryOrigin::kLocal);
  void remove_telemetry_callback(std::uint64_t token);
  // This node's last telemetry reports (at most 32), oldest first.
  std::vector<TelemetryEvent> recent_telemetry() const;
  // Viable / degraded / not viable, with the reasons (also in stats().health).
  HealthReport health() const;
  // "http://HOST:PORT/metrics" (after start()); empty without NodeConfig::metrics_bind.
  std::string metrics_endpoint() const;

 private:
  std::shared_ptr<detail::NodeCore> core_;
};

}  // namespace vsm
