// The node's subscriptions as the reactor sees them: the list, the SUB socket's topic
// prefixes, the presence topic that tells publishers this node's filters are in place
// (docs/PROTOCOL.md §1.5), and the wake-ups of consumers after a batch of events.
// Delivery into a subscription's queue is the caller's (receive/receive_path.hpp).
// Thread-safety: none; reactor thread only (attach() before the reactor starts).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "subscribe/dispatcher.hpp"
#include "subscribe/subscription_state.hpp"

namespace vsm::detail {

class Subscriptions {
 public:
  Subscriptions(std::string instance, Dispatcher& dispatcher)
      : instance_(std::move(instance)), dispatcher_(dispatcher) {}

  // How to (un)subscribe the receive socket to a topic prefix (Reactor::set_topic).
  void attach(std::function<void(std::string_view prefix, bool subscribe)> set_topic) {
    set_topic_ = std::move(set_topic);
  }

  void add(const std::shared_ptr<SubscriptionState>& state);
  void remove(const std::shared_ptr<SubscriptionState>& state);
  const std::vector<std::shared_ptr<SubscriptionState>>& all() const noexcept { return subs_; }
  SubscriptionState* find(std::uint64_t id) const;
  // True while some BestEffort/LatestOnly subscription takes every source of `c`: the
  // node then counts sequence gaps on `c` (Reliable ones count what they repair).
  bool whole_channel(Channel c) const noexcept { return whole_channel_[channel_index(c)] > 0; }

  // After an event was queued on `s`: remembers to wake its consumer (or the
  // dispatcher) at the end of the batch, when wake_consumers() is called, or at once
  // once kWakeEvents events were queued since the last wake: a reactor batch can carry
  // far more events than a queue holds (each of its frames up to
  // publish_batch_max_events), and a consumer left asleep that long loses the overflow.
  void note_enqueued(SubscriptionState& s);
  void wake_consumers();
  void close_all();

 private:
  void count_whole_channel(const SubscriptionState& s, int delta);
  // Re-announces readiness after the filter topics, so a publisher that sees the new
  // presence topic has already received every filter topic sent before it.
  void refresh_presence();

  const std::string instance_;
  Dispatcher& dispatcher_;
  std::function<void(std::string_view, bool)> set_topic_;
  std::vector<std::shared_ptr<SubscriptionState>> subs_;
  std::array<int, kChannelCount> whole_channel_{};
  std::string presence_topic_;
  std::uint64_t presence_generation_ = 0;
  static constexpr std::size_t kWakeEvents = 1'024;
  std::vector<SubscriptionState*> wake_list_;
  bool dispatch_pending_ = false;
  std::size_t enqueued_since_wake_ = 0;
};

}  // namespace vsm::detail
