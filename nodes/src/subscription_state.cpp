#include "subscription_state.hpp"

namespace vsm::detail {

SubscriptionState::SubscriptionState(Filter filter, EventCallback callback,
                                     SubscribeOptions options)
    : filter_(std::move(filter)),
      prefixes_(filter_.topic_prefixes()),
      callback_(std::move(callback)),
      options_(options) {}

bool SubscriptionState::push(Event&& event) {
  bool kept = true;
  {
    std::lock_guard lock(mu_);
    if (closed()) return true;
    if (queue_.size() >= options_.queue_capacity) {
      kept = false;
      dropped_.fetch_add(1, std::memory_order_relaxed);
      if (options_.overflow == OverflowPolicy::kDropNewest) return false;
      queue_.pop_front();
    }
    queue_.push_back(std::move(event));
  }
  if (!callback_) cv_.notify_one();
  return kept;
}

std::optional<Event> SubscriptionState::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || closed(); })) {
    return std::nullopt;
  }
  if (queue_.empty()) return std::nullopt;
  Event e = std::move(queue_.front());
  queue_.pop_front();
  delivered_.fetch_add(1, std::memory_order_relaxed);
  return e;
}

std::size_t SubscriptionState::run_callbacks() {
  std::deque<Event> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  std::size_t ran = 0;
  for (const Event& e : batch) {
    if (closed()) break;
    callback_(e);
    ++ran;
  }
  delivered_.fetch_add(ran, std::memory_order_relaxed);
  return ran;
}

bool SubscriptionState::has_pending() const {
  std::lock_guard lock(mu_);
  return !queue_.empty();
}

void SubscriptionState::close() {
  {
    std::lock_guard lock(mu_);
    closed_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

std::size_t SubscriptionState::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace vsm::detail
