// Publishing, from Node::publish() to the wire. The front half runs on the caller's
// thread: fill in id/source/priority, validate, check the flow rules and the variety
// quota, encode (no lock held), then number the event (seq, HLC ts) under the queue
// lock and either commit it at once (publish_inline, nothing queued) or queue it for
// the sender thread. The back half (publish_pipeline.hpp) logs, retains and sends in
// seq order. Owns the XPUB (publisher_socket.hpp), the queue, the pipeline and the
// sender thread (sender.hpp).
// Thread-safety: publish() and the readers from any thread; open()/start()/close()/
// stop() from the node's owner.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/node_counters.hpp"
#include "log/node_log.hpp"
#include "publish/publish_pipeline.hpp"
#include "publish/publish_queue.hpp"
#include "publish/publisher_socket.hpp"
#include "publish/sender.hpp"
#include "variety/compression_stage.hpp"
#include "variety/degraded_mode.hpp"
#include "vsm/flow_rules.hpp"
#include "vsm/hlc.hpp"
#include "vsm/node.hpp"
#include "vsm/quota_table.hpp"

namespace vsm::detail {

// Who publishes: a user (flow rules and quotas apply) or the node itself (partition
// announcements: exempt, and never waiting for queue room).
enum class PublishOrigin { kUser, kSystem };

class PublishPath {
 public:
  PublishPath(const NodeConfig& config, HybridClock& clock, NodeCounters& counters,
              zmq::context_t& ctx, NodeLog& log, NodeSecurity& security,
              DegradedMode& degraded);

  // Binds the XPUB and continues each channel's sequence after what the log holds.
  Status open();
  // Starts the sender thread; `hello` names the node (docs/PROTOCOL.md §1.6); its
  // "base" is filled in from open().
  void start(Hello hello);
  // Refuses further publishes and wakes blocked publishers. Non-blocking, idempotent.
  void close();
  // close(), then the sender commits what is queued and closes the XPUB. Idempotent.
  void stop();

  Result<PublishReceipt> publish(Event&& event, PublishOrigin origin = PublishOrigin::kUser) {
    return publish_in_place(event, origin);
  }
  // publish() on the caller's event, which keeps its buffers: the receipt takes its id
  // (nil afterwards, so publishing it again gets a fresh one); source, priority, ts and
  // seq may be filled in. Node::publish_from() is this for hot loops.
  Result<PublishReceipt> publish_in_place(Event& event,
                                          PublishOrigin origin = PublishOrigin::kUser);
  // Signs `event` when security is on and its channel is signed (publish() does it too;
  // the algedonic bridge signs first so that its lane copy carries the signature).
  void sign(Event& event) { security_.sign(event); }

  std::vector<std::string> endpoints() const { return socket_.endpoints(); }
  // Sends a fabric message on an internal '~' topic (telemetry); never blocks.
  bool send_internal(std::string_view topic, std::string_view body) {
    return socket_.send_internal(topic, body);
  }
  bool wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const {
    return socket_.presence().wait_for(n, timeout);
  }
  void release_waiters() { socket_.presence().release_waiters(); }
  // Commits what is queued now, on the calling thread (unless frames are held back), so
  // that what publish() accepted before the call is in the ring and the log and sent.
  void flush() { pipeline_.commit_queued(queue_); }
  ReplaySlice replay_slice(Channel c, std::uint64_t from, std::uint64_t to, std::size_t max) const {
    return pipeline_.replay_slice(c, from, to, max);
  }
  const RetainRing& ring() const noexcept { return pipeline_.ring(); }
  const FlowValidator& flow() const noexcept { return flow_; }
  // The flow rule for this node sending on `c` to `to`, counted as routed or blocked.
  Status check_flow(Channel c, std::optional<Role> to) { return flow_.check(c, config_.role, to); }
  // Adds the publishing counters to `s` (per channel: blocked, routed, quotas).
  void fill_stats(NodeStats& s) const;
  // The node's quota table (null when quotas are off): resource_bargain rate limits
  // land here (variety/bargain.hpp).
  QuotaTable* quotas() noexcept { return quotas_.get(); }

 private:
  Status admit_quota(const Event& event);
  Status check_user(const Event& event);
  Error queue_error(const Error& e);
  bool idle_for_inline() noexcept;
  Result<PublishReceipt> enqueue(Event& event, std::string& encoded, const SequenceSlots& slots,
                                 int block_ms);

  const NodeConfig& config_;
  HybridClock& clock_;
  NodeCounters& counters_;
  NodeLog& log_;
  NodeSecurity& security_;
  FlowValidator flow_;
  std::unique_ptr<QuotaTable> quotas_;  // null when config_.quotas_enabled is false
  DegradedMode& degraded_;
  // Null when no compression rule is configured: the publish path's only cost then.
  std::unique_ptr<CompressionStage> compression_;
  // Last seq numbered per channel; written under the queue's lock.
  std::array<std::atomic<std::uint64_t>, kChannelCount> last_seq_{};
  // Per channel, the last seq the log held at open(): this instance numbers after it.
  std::array<std::uint64_t, kChannelCount> base_{};
  const std::int64_t inline_idle_ns_;
  std::atomic<std::int64_t> last_publish_ns_{0};
  PublishQueue queue_;
  PublisherSocket socket_;
  PublishPipeline pipeline_;
  Sender sender_;
};

}  // namespace vsm::detail
