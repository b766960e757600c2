// Shared state of one subscription: its filter, its bounded event queue with an
// overflow policy, and its counters. The reactor pushes; next() or the dispatcher pops.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reliable_tracker.hpp"
#include "vsm/filter.hpp"
#include "vsm/node.hpp"
#include "vsm/subscription.hpp"

namespace vsm::detail {

class SubscriptionState {
 public:
  SubscriptionState(Filter filter, EventCallback callback, SubscribeOptions options);

  const Filter& filter() const noexcept { return filter_; }
  const std::vector<std::string>& prefixes() const noexcept { return prefixes_; }
  bool has_callback() const noexcept { return static_cast<bool>(callback_); }
  const SubscribeOptions& options() const noexcept { return options_; }
  bool reliable() const noexcept { return options_.mode == DeliveryMode::kReliable; }
  // Reactor thread only: the Reliable sequencing state (null for other modes).
  ReliableTracker* tracker() noexcept { return tracker_.get(); }

  void add_dead_letters(std::vector<DeadLetter>&& letters);
  std::vector<DeadLetter> dead_letters() const;

  // Enqueues a matching event. Returns false when the overflow policy dropped an event
  // (the oldest queued one or this one). No-op returning true once closed.
  bool push(Event&& event);
  // Pull side: waits up to `timeout`; empty on timeout or close.
  std::optional<Event> pop(std::chrono::milliseconds timeout);
  // Dispatcher side: runs the callback for every queued event. Returns how many ran.
  std::size_t run_callbacks();
  bool has_pending() const;

  void close();
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::size_t queued() const;

 private:
  const Filter filter_;
  const std::vector<std::string> prefixes_;
  const EventCallback callback_;
  const SubscribeOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  int waiters_ = 0;                       // consumers blocked in pop(), guarded by mu_
  std::deque<Event> taken_;               // consumer thread only: batch taken from queue_
  std::atomic<std::size_t> taken_size_{0};
  std::vector<DeadLetter> dead_letters_;
  std::unique_ptr<ReliableTracker> tracker_;
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace vsm::detail
