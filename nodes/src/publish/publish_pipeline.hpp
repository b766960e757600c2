// The back half of publishing: takes sealed frames (numbered, in seq order) and commits
// them: appends them to the event log (write() done), copies them into the replay ring,
// then sends them on the XPUB. One commit at a time, under the pipeline lock, so the log
// order and the wire order are the seq order. The caller is the sender thread (queued
// frames) or a publishing thread (NodeConfig::publish_inline, nothing queued).
//
// Durability (docs/LOG_FORMAT.md): a frame leaves on the wire only after the log
// accepted it. When the log fails, the frames stay here, in order, and are retried by
// the sender (never dropped, never sent unlogged) until the log heals or the node
// closes; publish() refuses new events meanwhile (failing()).
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_server.hpp"
#include "core/node_counters.hpp"
#include "log/node_log.hpp"
#include "publish/publish_queue.hpp"
#include "publish/publisher_socket.hpp"
#include "publish/retain_ring.hpp"

namespace vsm::detail {

class PublishPipeline {
 public:
  PublishPipeline(const NodeConfig& config, NodeLog& log, PublisherSocket& socket,
                  NodeCounters& counters);

  // Inline publishing: when no commit is running, nothing waits and the socket is open,
  // seals `frame` through `queue` (seal_if_idle) and commits it on the calling thread.
  // True when committed; false when the caller must queue it instead.
  template <typename Seal>
  Result<bool> try_commit_inline(OutFrame& frame, PublishQueue& queue, Seal& seal) {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || !pending_.empty()) return false;
    auto sealed = queue.seal_if_idle(frame, seal);
    if (!sealed || !*sealed) return sealed;
    commit_locked(std::span<OutFrame>(&frame, 1));
    socket_.note_inline_send();
    return true;
  }
  // Sender: takes everything queued and commits it (after frames a failed log left
  // pending). Returns the number of frames sent.
  std::size_t commit_queued(PublishQueue& queue);

  // True while the log refuses appends (frames are pending); the error says why.
  std::optional<Error> failing() const;

  // Per channel, the last seq sent on the XPUB (hellos announce these).
  std::array<std::uint64_t, kChannelCount> sent_heads() const;
  // Encoded events [from, to] of `channel` (at most max) from the ring, else the log.
  ReplaySlice replay_slice(Channel channel, std::uint64_t from, std::uint64_t to,
                           std::size_t max) const;
  const RetainRing& ring() const noexcept { return ring_; }
  std::uint64_t pending() const noexcept { return pending_count_.load(std::memory_order_relaxed); }

 private:
  // Holding mu_: log, ring, send. Frames the log refused stay in pending_.
  void commit_locked(std::span<OutFrame> frames);
  bool log_frames(std::span<OutFrame> frames);

  const NodeConfig& config_;
  NodeLog& log_;
  PublisherSocket& socket_;
  NodeCounters& counters_;
  RetainRing ring_;

  mutable std::mutex mu_;          // the pipeline lock: one commit at a time
  std::vector<OutFrame> batch_;    // under mu_: frames taken from the queue
  std::vector<OutFrame> pending_;  // under mu_: sealed, not yet logged (log failing)
  std::vector<std::string_view> views_;  // under mu_: scratch for the log append
  std::optional<Error> log_error_;       // under mu_
  std::atomic<std::uint64_t> pending_count_{0};
  std::array<std::atomic<std::uint64_t>, kChannelCount> sent_{};
};

}  // namespace vsm::detail
