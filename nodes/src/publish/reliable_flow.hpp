// Flow control for Reliable subscribers, publisher side (docs/PROTOCOL.md §1.7). Each
// subscribing node with Reliable subscriptions acknowledges, per channel, the last seq
// it delivered (core/ack.hpp); this node never sends a seq more than
// reliable_window_events beyond the slowest live follower's acknowledgement, and never
// lets its replay ring evict what a live follower has not acknowledged: the pipeline
// holds the frames back (publish/publish_pipeline.hpp), the queue fills, and publish()
// waits up to publish_block_timeout_ms, then fails with kBackpressure. This is DDS's
// KEEP_ALL reliable writer, and Aeron's "min" flow control: the slowest receiver sets
// the pace. A follower stops holding the publisher back when its presence topic goes
// (its connection closed: killed, disconnected) or when it sends nothing for
// reliable_ack_timeout_ms (hung); both are counted. BestEffort subscribers never ack and
// never slow a publisher. A follower constrains only what was published after it joined
// (its history is served by repair, without blocking live publishing).
// Thread-safety: all methods thread-safe (one mutex; permits() reads atomics only).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/ack.hpp"
#include "vsm/channel.hpp"
#include "vsm/node_stats.hpp"

namespace vsm::detail {

struct ReliableFlowConfig {
  std::uint64_t window_events = 32'768;  // 0: no flow control
  std::uint64_t ack_timeout_ms = 5'000;
  std::size_t max_followers = 1'024;      // acks from more subscriber nodes are ignored
};

class ReliableFlow {
 public:
  ReliableFlow(std::string self, ReliableFlowConfig config);

  // An ack arrived. `sent` = this node's sent heads (a new follower's floor). Returns
  // false when it is not for this node or is refused (too many followers).
  bool on_ack(const AckView& ack, const std::array<std::uint64_t, kChannelCount>& sent,
              std::uint64_t now_ms);
  // The follower's presence topic went away (its connection closed).
  void on_gone(std::string_view instance);
  // Drops followers silent for ack_timeout_ms. Returns how many.
  std::size_t expire(std::uint64_t now_ms);

  // True when `seq` of `channel` may be sent now (within the window of every live
  // follower). Lock-free.
  bool permits(Channel channel, std::uint64_t seq) const noexcept;
  // The lowest acknowledged seq of `channel` among live followers (UINT64_MAX: none).
  std::uint64_t floor(Channel channel) const noexcept {
    return min_acked_[channel_index(channel)].load(std::memory_order_acquire);
  }
  bool has_followers() const noexcept { return followers_count_.load(std::memory_order_relaxed) > 0; }
  // Why the pipeline is held back, for the publisher's error: names the slowest follower.
  std::string describe_block(Channel channel) const;

  void fill_stats(NodeStats& s) const;

 private:
  struct Follower {
    std::array<std::optional<std::uint64_t>, kChannelCount> acked;  // channels it sequences
    std::uint64_t last_ack_ms = 0;
  };
  void recompute_locked();

  const std::string self_;
  const ReliableFlowConfig config_;
  mutable std::mutex mu_;
  std::map<std::string, Follower, std::less<>> followers_;  // by subscriber instance
  std::array<std::atomic<std::uint64_t>, kChannelCount> min_acked_{};
  std::atomic<std::size_t> followers_count_{0};
  std::atomic<std::uint64_t> acks_{0}, lost_{0}, timed_out_{0}, refused_{0};
};

}  // namespace vsm::detail
