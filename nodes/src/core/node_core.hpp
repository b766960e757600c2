// The implementation behind vsm::Node: owns the ZeroMQ context, the XPUB/SUB data
// sockets (touched only by the reactor thread after start()), the publish queue, the
// subscriptions and the dispatcher. Shared with Subscription handles by weak_ptr.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "algedonic/algedonic_lane.hpp"
#include "core/command_queue.hpp"
#include "control/control_server.hpp"
#include "membership/membership_bridge.hpp"
#include "vsm/persist/event_log.hpp"
#include "subscribe/dispatcher.hpp"
#include "core/node_counters.hpp"
#include "publish/presence_tracker.hpp"
#include "publish/publish_queue.hpp"
#include "delivery/repair_worker.hpp"
#include "publish/retain_ring.hpp"
#include "receive/sequence_tracker.hpp"
#include "subscribe/subscription_state.hpp"
#include "vsm/dedup_window.hpp"
#include "vsm/flow_rules.hpp"
#include "vsm/hlc.hpp"
#include "vsm/node.hpp"
#include "vsm/quota_table.hpp"

namespace vsm::detail {

class NodeCore : public std::enable_shared_from_this<NodeCore> {
 public:
  explicit NodeCore(NodeConfig config);
  ~NodeCore();

  Status start();
  void close();
  void stop();

  // By rvalue reference: Node::publish() took the event by value, no further moves.
  Result<PublishReceipt> publish(Event&& event);
  // The node's own announcements (partition changes): not subject to the flow rules.
  Result<PublishReceipt> publish_system(Event&& event);
  Result<Subscription> subscribe(Filter filter, EventCallback callback, SubscribeOptions options);
  void unsubscribe(const std::shared_ptr<SubscriptionState>& state);
  Status connect(const std::string& endpoint);
  Status disconnect(const std::string& endpoint);
  bool wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const;

  std::vector<std::string> endpoints() const;
  std::string control_endpoint() const;
  MembershipBridge* membership() const noexcept { return membership_.get(); }
  void set_member_callback(std::function<void(const gossip::MemberEvent&)> cb) {
    member_cb_ = std::move(cb);
  }
  void set_partition_callback(std::function<void(const gossip::PartitionEvent&)> cb) {
    partition_cb_ = std::move(cb);
  }
  const NodeConfig& config() const noexcept { return config_; }

  // Algedonic lane (node_algedonic.cpp).
  Result<AlgedonicReceipt> publish_algedonic(Severity severity, Signal signal,
                                             std::string description,
                                             const std::map<std::string, double>& metrics);
  AlgedonicLane* algedonic() const noexcept { return algedonic_.get(); }
  NodeStats stats() const;

 private:
  Status validate_config() const;
  Result<PublishReceipt> publish_checked(Event& event, bool check_flow);
  // Variety quota of one user publish: waits the delay (kDelay) or rejects.
  Status admit_quota(const Event& event);
  Status bind_sockets();
  Status start_control();
  // node_log.cpp
  Status open_log();
  void log_slice(Channel channel, std::uint64_t from, std::uint64_t to, std::size_t max,
                 ReplaySlice& slice) const;
  // node_gossip.cpp
  void create_membership();  // before the control server answers (it reads membership_)
  Status start_membership();  // after the reactor runs (its hooks post to the reactor)
  void post_connect(const std::string& endpoint, bool connect);
  void on_partition(const gossip::PartitionEvent& e);
  Status start_algedonic();
  // Reactor thread: hands an alert first seen on the lane to the subscriptions.
  void dispatch(const Event& event);
  ReplaySlice replay_slice(Channel channel, std::uint64_t from, std::uint64_t to,
                           std::size_t max) const;
  void encode_info(std::string& out, std::uint32_t& fields) const;
  void encode_members(std::string& out, std::uint32_t& fields) const;
  // node_reliable.cpp: Reliable delivery, hello announcements, duplicate suppression.
  void start_reliable();  // start(), before the reactor runs
  // Reactor thread from here on.
  void feed_reliable(SubscriptionState& s, Event&& event);
  void apply_tracker(SubscriptionState& s, TrackerOutput& out);
  void on_repair_done(const RepairRequest& req, Result<ReplayBatch> result);  // lane thread
  void finish_repair(const RepairRequest& req, Result<ReplayBatch>& result);
  // True when `topic` is the node's own signalling ('~'), handled here.
  bool on_internal_message(std::string_view topic, std::string_view body);
  void on_hello(std::string_view body);
  bool is_duplicate(const Event& event);
  void send_hello();
  void run_timers();  // once per reactor turn
  void resume_paused();

  // NodeConfig::publish_inline: true when `frame` was sealed and sent on the calling
  // thread; false when the socket is busy (the reactor or another publisher holds
  // it) or frames are queued, so the caller queues it instead.
  template <typename Seal>
  Result<bool> try_send_inline(OutFrame& frame, Seal& seal) {
    std::unique_lock sock(socket_mu_, std::try_to_lock);
    if (!sock.owns_lock() || !xpub_open_) return false;
    auto sealed = queue_.seal_if_idle(frame, seal);
    if (!sealed || !*sealed) return sealed;
    send_frame(frame);
    inline_sends_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  void send_frame(OutFrame& frame);  // holding socket_mu_

  // Runs `fn` on the reactor thread and waits for its status.
  Status call_on_reactor(std::function<Status()> fn);

  // Reactor thread.
  void run(std::stop_token stop);
  void poll_once(std::vector<OutFrame>& frames);
  void send_frames(std::vector<OutFrame>& frames);
  void read_subscriptions();
  void read_events();
  void deliver(const Event& event);
  // After an event was queued on `s`: remembers to wake its consumer (or the
  // dispatcher) at the end of the batch; wake_consumers() does it.
  void note_enqueued(SubscriptionState& s);
  void wake_consumers();
  void add_subscription(const std::shared_ptr<SubscriptionState>& state);
  void remove_subscription(const std::shared_ptr<SubscriptionState>& state);
  void refresh_presence();
  void shutdown_sockets();

  NodeConfig config_;
  const std::string instance_;
  HybridClock clock_;
  FlowValidator flow_;
  std::unique_ptr<QuotaTable> quotas_;  // null when config_.quotas_enabled is false
  NodeCounters counters_;
  PresenceTracker presence_;
  PublishQueue queue_;
  CommandQueue commands_;
  RetainRing ring_;
  std::array<std::atomic<std::uint64_t>, kChannelCount> last_seq_{};  // written under queue_'s lock

  zmq::context_t ctx_;
  // The XPUB is used by the reactor and, with publish_inline, by publishing threads:
  // always under socket_mu_ (a mutex is the memory barrier libzmq requires when a
  // socket changes threads). The reactor polls its ZMQ_FD, never the socket itself.
  std::mutex socket_mu_;
  bool xpub_open_ = false;  // guarded by socket_mu_
  int xpub_fd_ = -1;
  std::atomic<std::uint64_t> inline_sends_{0};
  zmq::socket_t xpub_;
  zmq::socket_t sub_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<persist::EventLog> log_;
  std::unique_ptr<MembershipBridge> membership_;
  std::function<void(const gossip::MemberEvent&)> member_cb_;
  std::function<void(const gossip::PartitionEvent&)> partition_cb_;
  std::unique_ptr<AlgedonicLane> algedonic_;  // set in start(), before the reactor runs
  mutable std::mutex endpoints_mu_;
  std::vector<std::string> endpoints_;

  // Reactor-owned state.
  std::vector<std::shared_ptr<SubscriptionState>> subs_;
  std::set<std::string> connected_;
  std::string presence_topic_;
  std::uint64_t presence_generation_ = 0;
  SequenceTracker sequences_;
  Event rx_;  // every received event is decoded into this one (read_events())
  std::array<int, kChannelCount> whole_channel_subs_{};  // gap tracking needs these
  bool dispatch_pending_ = false;
  std::vector<SubscriptionState*> wake_list_;  // queued on this turn; see note_enqueued()
  std::unique_ptr<RepairWorker> repairs_;                     // set in start_reliable()
  std::unique_ptr<DedupWindow> dedup_;                        // null when disabled
  TrackerOutput tracker_out_;                                 // scratch, reused
  std::string hello_control_;                                 // control endpoint announced
  std::string hello_buf_;
  std::array<std::uint64_t, kChannelCount> hello_heads_{};    // last_seq_ one turn ago
  std::uint64_t next_hello_ms_ = 0;
  std::uint64_t inline_seen_ = 0;                             // inline_sends_ at the last sleep
  bool hello_due_ = false;                                    // a new subscriber appeared
  bool resume_due_ = false;                                   // a Reliable queue may have room
  std::map<std::string, std::string> publisher_instances_;    // from hellos: name -> instance

  Dispatcher dispatcher_;
  std::atomic<bool> started_{false};
  std::atomic<bool> closing_{false};
  std::jthread reactor_;
};

}  // namespace vsm::detail
