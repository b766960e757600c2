// A subscription handle returned by Node::subscribe(). Move-only RAII: destroying or
// close()-ing it removes the subscription. Events arrive in a bounded queue; `next()`
// pulls from it (pull subscriptions) or a dispatcher thread runs the callback.
// Thread-safety: next() may be called from one thread at a time; close() from any.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "vsm/event.hpp"

namespace vsm {

namespace detail {
class SubscriptionState;
class NodeCore;
}  // namespace detail

enum class OverflowPolicy {
  kDropOldest,  // keep the newest events (default)
  kDropNewest,  // keep the oldest events, drop arrivals
};

struct SubscribeOptions {
  std::size_t queue_capacity = 65'536;  // events waiting for next() or the callback
  OverflowPolicy overflow = OverflowPolicy::kDropOldest;
};

class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  // Waits up to `timeout` for the next matching event; empty when none arrived or the
  // subscription/node closed. REQUIRES: a pull subscription (no callback).
  std::optional<Event> next(std::chrono::milliseconds timeout);
  // Idempotent, non-blocking: unsubscribes and wakes a waiting next().
  void close();

  bool valid() const noexcept { return state_ != nullptr; }
  std::uint64_t delivered() const noexcept;  // events handed to next()/callback
  std::uint64_t dropped() const noexcept;    // events lost to queue overflow
  std::size_t queued() const noexcept;

 private:
  friend class detail::NodeCore;
  Subscription(std::shared_ptr<detail::SubscriptionState> state,
               std::weak_ptr<detail::NodeCore> core);

  std::shared_ptr<detail::SubscriptionState> state_;
  std::weak_ptr<detail::NodeCore> core_;
};

}  // namespace vsm
