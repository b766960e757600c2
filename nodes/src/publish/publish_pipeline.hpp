// The back half of publishing: takes sealed frames (numbered, in seq order) and commits
// them: appends them to the event log (write() done), copies them into the replay ring,
// then sends them on the XPUB. One commit at a time, under the pipeline lock, so the log
// order and the wire order are the seq order. The caller is the sender thread (queued
// frames) or a publishing thread (NodeConfig::publish_inline, nothing queued or held).
//
// Frames are held back, in order, and committed later by the sender when
//   - the log refuses them under LogFailurePolicy::kBlock (durability,
//     docs/LOG_FORMAT.md: a frame leaves on the wire only after the log accepted it;
//     never dropped, never sent unlogged); under kContinue they are sent unlogged and
//     counted (NodeCounters::unlogged) instead; either way each transition of the log's
//     health is reported once (log/log_health_report.hpp), or
//   - a Reliable follower's window is full (publish/reliable_flow.hpp).
// While frames are held, queued ones stay in the queue, so publish() feels it: it waits
// for room up to publish_block_timeout_ms, then fails (held_error() says why).
// Thread-safety: every method may be called from any thread; the XpubListener methods
// from the sender thread.
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
#include "log/log_health_report.hpp"
#include "log/node_log.hpp"
#include "publish/publish_queue.hpp"
#include "publish/publisher_socket.hpp"
#include "publish/reliable_flow.hpp"
#include "publish/retain_ring.hpp"

namespace vsm::detail {

class PublishPipeline final : public XpubListener {
 public:
  PublishPipeline(const NodeConfig& config, NodeLog& log, PublisherSocket& socket,
                  NodeCounters& counters);

  // Inline publishing: when no commit is running, nothing is held and the socket is
  // open, seals `frame` through `queue` (seal_if_idle) and commits it on the calling
  // thread. True when sealed here (committed, or held); false: queue it instead.
  template <typename Seal>
  Result<bool> try_commit_inline(OutFrame& frame, PublishQueue& queue, Seal& seal) {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || !held_.empty()) return false;
    auto sealed = queue.seal_if_idle(frame, seal);
    if (!sealed || !*sealed) return sealed;
    commit_locked(std::span<OutFrame>(&frame, 1));
    socket_.note_inline_send();
    return true;
  }
  // Sender: commits what is held, then (if nothing is held any more) what is queued.
  void commit_queued(PublishQueue& queue);

  // Why frames are held (the log's error, or the slowest Reliable follower); empty when
  // nothing is held.
  std::optional<Error> held_error() const;
  std::uint64_t held() const noexcept { return held_count_.load(std::memory_order_relaxed); }
  bool log_failing() const noexcept { return log_failing_.load(std::memory_order_relaxed); }

  // Per channel, the last seq sent on the XPUB (hellos announce these).
  std::array<std::uint64_t, kChannelCount> sent_heads() const;
  // Calls send(sent_heads()) holding the pipeline lock, so no event goes out between
  // reading the heads and sending the hello that announces them: on the wire a hello
  // comes after every event up to its heads and before every later one. (A subscriber
  // that delivered beyond a new instance's announced head takes that as a log that lost
  // its tail and rewinds, docs/PROTOCOL.md §1.6; an inline publish slipping in between
  // made it deliver events again.)
  template <typename Send>
  void send_with_heads(Send&& send) {
    std::lock_guard lock(mu_);
    send(sent_heads());
  }
  // Before the first commit: the log holds seqs up to `heads` from earlier instances,
  // which may have sent them; hellos announce them as sent (heads never go backwards
  // across a restart, and subscribers repair what was logged but never sent).
  void continue_after(const std::array<std::uint64_t, kChannelCount>& heads);
  // Encoded events [from, to] of `channel` (at most max) from the ring, else the log.
  ReplaySlice replay_slice(Channel channel, std::uint64_t from, std::uint64_t to,
                           std::size_t max) const;
  const RetainRing& ring() const noexcept { return ring_; }
  ReliableFlow& flow() noexcept { return flow_; }
  const ReliableFlow& flow() const noexcept { return flow_; }

  // XpubListener (sender thread).
  void on_subscriber_gone(std::string_view instance) override { flow_.on_gone(instance); }
  void on_upstream(std::string_view frame) override;

 private:
  // Holding mu_: commits the longest prefix of `frames` that flow control admits (log,
  // ring, send); the rest is appended to held_.
  void commit_locked(std::span<OutFrame> frames);
  // Holding mu_: commit_locked() of consecutive slices of about kSliceBytes each, so a
  // long backlog is logged as several groups whose bytes stay in the CPU cache from
  // framing to write(), and the first slices go out before the last are logged. Once
  // a slice is held, the rest is held behind it (seq order).
  void commit_sliced(std::span<OutFrame> frames);
  static constexpr std::size_t kSliceBytes = 256 << 10;
  // How many frames from the front flow control lets go now.
  std::size_t admitted(std::span<const OutFrame> frames) const;
  bool ring_fits(std::span<const OutFrame> frames) const;
  // Appends `frames` to the log; false: hold them (the log failed under kBlock).
  bool log_frames(std::span<OutFrame> frames);
  void hold(std::span<OutFrame> frames);

  const NodeConfig& config_;
  NodeLog& log_;
  PublisherSocket& socket_;
  NodeCounters& counters_;
  RetainRing ring_;
  ReliableFlow flow_;

  mutable std::mutex mu_;                // the pipeline lock: one commit at a time
  FrameBatch batch_;                     // under mu_: frames taken from the queue
  std::vector<OutFrame> retry_;          // under mu_: held frames being committed again
  std::vector<OutFrame> held_;           // under mu_: sealed, not committed yet
  std::vector<persist::EncodedRecord> records_;  // under mu_: scratch for the log append
  std::optional<Error> log_error_;       // under mu_ (kBlock: why frames are held)
  LogHealthReport health_;               // under mu_
  std::atomic<std::uint64_t> held_count_{0};
  std::atomic<bool> log_failing_{false};
  std::array<std::atomic<std::uint64_t>, kChannelCount> sent_{};
};

}  // namespace vsm::detail
