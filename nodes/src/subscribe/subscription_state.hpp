// Shared state of one subscription: its filter, its bounded event queue with an
// overflow policy, and its counters. The reactor pushes; next() or the dispatcher pops.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "subscribe/event_batch.hpp"
#include "delivery/reliable_tracker.hpp"
#include "vsm/filter.hpp"
#include "vsm/node.hpp"
#include "vsm/subscription.hpp"

namespace vsm::detail {

class SubscriptionState {
 public:
  // `max_publishers`: Reliable streams are kept for at most this many publishers
  // (NodeConfig::max_tracked_publishers).
  SubscriptionState(Filter filter, EventCallback callback, SubscribeOptions options,
                    std::size_t max_publishers = 4'096);

  std::uint64_t id() const noexcept { return id_; }
  const Filter& filter() const noexcept { return filter_; }
  const std::vector<std::string>& prefixes() const noexcept { return prefixes_; }
  bool has_callback() const noexcept { return static_cast<bool>(callback_); }
  const SubscribeOptions& options() const noexcept { return options_; }
  bool reliable() const noexcept { return options_.mode == DeliveryMode::kReliable; }
  // Reliable: whether events of `c` go through the tracker. The algedonic channel is
  // exactly-once already (the lane deduplicates by id) and is not sequenced on the lane.
  bool sequenced(Channel c) const noexcept {
    return tracker_ && c != Channel::kAlgedonic &&
           (!filter_.channel || *filter_.channel == c);
  }
  // Reactor thread only: the Reliable sequencing state (null for other modes).
  ReliableTracker* tracker() noexcept { return tracker_.get(); }

  // Keeps the newest kMaxDeadLetters entries; dead_letter_count() counts all of them.
  void add_dead_letters(std::vector<DeadLetter>&& letters);
  std::vector<DeadLetter> dead_letters() const;
  std::uint64_t dead_letter_count() const noexcept {
    return dead_count_.load(std::memory_order_relaxed);
  }
  static constexpr std::size_t kMaxDeadLetters = 10'000;

  // Reliable: enqueues `event` if the queue has room; otherwise leaves it untouched,
  // returns false and arranges for `room_waker` to run once a consumer makes room.
  // A copy, or an rvalue moved in (offer() leaves a refused one untouched).
  bool offer(const Event& event) { return offer_impl(event); }
  bool offer(Event&& event) { return offer_impl(std::move(event)); }
  void set_room_waker(std::function<void()> waker) { room_waker_ = std::move(waker); }
  bool has_room() const;

  // Enqueues a matching event. Returns false when the overflow policy dropped an event
  // (the oldest queued one or this one). No-op returning true once closed.
  // push() and offer() never wake the consumer themselves: the reactor calls
  // wake_consumer() once per batch (mark_enqueued() says whether it must), so a
  // consumer blocked in pop() costs one futex wake per reactor turn, not per event.
  bool push(const Event& event);  // copy-assigned into a spare slot
  // Reactor: true the first time after an enqueue since the last call (the reactor
  // then remembers this subscription for wake_consumer()).
  bool mark_enqueued() noexcept { return !std::exchange(wake_due_, true); }
  // Reactor: wakes a consumer blocked in pop(), if any.
  void wake_consumer();
  // True while a consumer is blocked in pop()/pop_into().
  bool has_waiter() const noexcept { return waiters_.load(std::memory_order_acquire) > 0; }
  // Pull side: waits up to `timeout`; empty on timeout or close.
  std::optional<Event> pop(std::chrono::milliseconds timeout);
  // The same, swapping the event into `out` (whose buffers are recycled); false on
  // timeout or close.
  bool pop_into(Event& out, std::chrono::milliseconds timeout);
  // Dispatcher side: runs the callback for every queued event. Returns how many ran.
  std::size_t run_callbacks();
  bool has_pending() const;

  void close();
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::size_t queued() const;

 private:
  template <typename E>
  bool offer_impl(E&& event) {
    std::lock_guard lock(mu_);
    if (closed()) return true;
    if (queue_.size() >= options_.queue_capacity) {
      want_room_.store(true, std::memory_order_relaxed);
      return false;
    }
    queue_.push(std::forward<E>(event));
    return true;
  }
  void made_room();  // consumer side, after taking the queue
  // Consumer: true once taken_ holds events (swapped from queue_, waiting up to
  // `timeout` for some); false on timeout or close.
  bool wait_for_batch(std::chrono::milliseconds timeout);
  void count_taken();
  void record_overflow_locked(const Event& e);
  static constexpr std::string_view kQueueFullReason = "subscription queue full";

  const std::uint64_t id_;
  const Filter filter_;
  const std::vector<std::string> prefixes_;
  const EventCallback callback_;
  const SubscribeOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  EventBatch queue_;
  std::atomic<int> waiters_{0};           // consumers blocked in pop(), written under mu_
  bool wake_due_ = false;                 // reactor thread only
  EventBatch taken_;  // the consumer's (pop() or the dispatcher's) batch taken from queue_
  std::atomic<std::size_t> taken_size_{0};
  std::deque<DeadLetter> dead_letters_;
  std::atomic<std::uint64_t> dead_count_{0};
  std::unique_ptr<ReliableTracker> tracker_;
  std::function<void()> room_waker_;       // set before the subscription is shared
  std::atomic<bool> want_room_{false};
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace vsm::detail
