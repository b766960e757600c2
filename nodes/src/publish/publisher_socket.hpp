// The node's XPUB socket and what comes back on it: the subscriptions of remote SUB
// sockets (ready subscribers, publish/presence_tracker.hpp) and their acknowledgements.
// Adaptive batching happens here: frames handed over together (a backlog) go out as
// batch frames of consecutive events of one topic (BatchBuilder, bounded by
// publish_batch_max_bytes / _events); a frame handed over alone goes out at once, as it
// is. Shared by the sender thread
// and inline publishers under one mutex (a mutex is the memory barrier libzmq requires
// when a socket changes threads). The mutex is held only around zmq calls, never for
// disk I/O or encoding. XPUB never blocks: a peer at its high-water mark drops, which
// its gap detection sees.
// Thread-safety: every method may be called from any thread; bind() before the others.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "core/node_counters.hpp"
#include "publish/presence_tracker.hpp"
#include "publish/publish_queue.hpp"
#include "security/node_security.hpp"
#include "vsm/batch_builder.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

// What comes back on the XPUB besides subscriptions (read_incoming()).
class XpubListener {
 public:
  virtual ~XpubListener() = default;
  // A subscriber node's presence went away (its connection closed or it unsubscribed).
  virtual void on_subscriber_gone(std::string_view instance) = 0;
  // A message a subscriber's XSUB sent upstream (Reliable acknowledgements).
  virtual void on_upstream(std::string_view frame) = 0;
};

class PublisherSocket {
 public:
  PublisherSocket(const NodeConfig& config, zmq::context_t& ctx, NodeCounters& counters,
                  const NodeSecurity& security)
      : config_(config),
        ctx_(ctx),
        counters_(counters),
        security_(security),
        batch_(BatchLimits{config.publish_batch_max_bytes, config.publish_batch_max_events}) {}

  // Creates the XPUB and binds every NodeConfig::pub_bind endpoint (kIo naming the
  // endpoint when one cannot be bound).
  Status bind();
  std::vector<std::string> endpoints() const;
  // ZMQ_FD of the XPUB, for the sender's poll (readable = look at the socket).
  int fd() const noexcept { return fd_; }

  // Sends the frames in order, consecutive ones of one topic batched; false when the
  // socket is closed (nothing sent).
  bool send(std::span<OutFrame> frames);
  // Sends a fabric message (hello) on an internal '~' topic: topic, 0x00, body.
  bool send_internal(std::string_view topic, std::string_view body);
  // Reads what subscribers sent (subscriptions, upstream messages) without blocking.
  // Returns true when a subscriber became ready (the sender then announces its heads at
  // once, so a late joiner starts its repair without waiting).
  bool read_incoming(XpubListener& listener);
  // Number of sends made on callers' threads (inline publishing), for the sender's poll.
  void note_inline_send() noexcept { inline_sends_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t inline_sends() const noexcept {
    return inline_sends_.load(std::memory_order_relaxed);
  }

  const PresenceTracker& presence() const noexcept { return presence_; }
  PresenceTracker& presence() noexcept { return presence_; }

  // Further sends fail; the socket is closed (lingering up to linger_ms to flush).
  // Idempotent. REQUIRES: no thread is inside send() (the lock ensures it).
  void close();

 private:
  static constexpr int kMaxReadsPerCall = 2048;
  static constexpr std::size_t kMaxUpstreamPerCall = 256;
  static constexpr std::int64_t kMaxUpstreamBytes = 64 << 10;  // a peer sending more is cut off
  void send_locked(std::span<OutFrame> frames);
  void send_one(OutFrame& f);

  const NodeConfig& config_;
  zmq::context_t& ctx_;
  NodeCounters& counters_;
  const NodeSecurity& security_;
  mutable std::mutex mu_;  // guards socket_, open_, endpoints_
  zmq::socket_t socket_;
  bool open_ = false;
  std::vector<std::string> endpoints_;
  int fd_ = -1;
  PresenceTracker presence_;
  std::atomic<std::uint64_t> inline_sends_{0};
  BatchBuilder batch_;      // under mu_
  std::string internal_;    // under mu_: scratch for internal messages
  // Sender thread only (read_incoming() runs there): reused between calls.
  std::vector<std::string> gone_;
  std::vector<std::string> pending_upstream_;
};

}  // namespace vsm::detail
