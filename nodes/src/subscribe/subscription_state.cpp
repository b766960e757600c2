#include "subscribe/subscription_state.hpp"

#include <algorithm>

#include "delivery/queue_policy.hpp"

namespace vsm::detail {

namespace {
std::atomic<std::uint64_t> g_next_id{1};

// A Reliable subscription needs every event of its channels (sequences are per
// publisher and channel), so it subscribes whole channels and filters after sequencing.
std::vector<std::string> socket_prefixes(const Filter& f, DeliveryMode mode) {
  if (mode != DeliveryMode::kReliable) return f.topic_prefixes();
  Filter whole;
  whole.channel = f.channel;
  return whole.topic_prefixes();
}
}  // namespace

SubscriptionState::SubscriptionState(Filter filter, EventCallback callback,
                                     SubscribeOptions options, std::size_t max_publishers)
    : id_(g_next_id.fetch_add(1, std::memory_order_relaxed)),
      filter_(std::move(filter)),
      prefixes_(socket_prefixes(filter_, options.mode)),
      callback_(std::move(callback)),
      options_(options) {
  if (options_.mode == DeliveryMode::kReliable) {
    tracker_ = std::make_unique<ReliableTracker>(options_.start_seq, options_.max_held_events,
                                                 options_.repair_attempts,
                                                 options_.start_time_ms, max_publishers);
  }
}

void SubscriptionState::add_dead_letters(std::vector<DeadLetter>&& letters) {
  std::lock_guard lock(mu_);
  dead_count_.fetch_add(letters.size(), std::memory_order_relaxed);
  for (auto& l : letters) dead_letters_.push_back(std::move(l));
  while (dead_letters_.size() > kMaxDeadLetters) dead_letters_.pop_front();
}

std::vector<DeadLetter> SubscriptionState::dead_letters() const {
  std::lock_guard lock(mu_);
  return {dead_letters_.begin(), dead_letters_.end()};
}

// Consecutive overflowed events of one stream extend the newest entry.
void SubscriptionState::record_overflow_locked(const Event& e) {
  dead_count_.fetch_add(1, std::memory_order_relaxed);
  if (!dead_letters_.empty()) {
    auto& last = dead_letters_.back();
    if (last.publisher == e.ts.node && last.channel == e.channel && last.to_seq + 1 == e.seq &&
        last.reason == kQueueFullReason) {
      last.to_seq = e.seq;
      return;
    }
  }
  dead_letters_.push_back(DeadLetter{e.ts.node, e.channel, e.seq, e.seq, std::string(kQueueFullReason)});
  while (dead_letters_.size() > kMaxDeadLetters) dead_letters_.pop_front();
}

// A consumer increments waiters_ under mu_ before it waits; the reactor's push took
// mu_ after that or the consumer saw the event before waiting, so no wake is lost.
void SubscriptionState::wake_consumer() {
  wake_due_ = false;
  if (waiters_.load(std::memory_order_seq_cst) > 0) cv_.notify_one();
}

bool SubscriptionState::has_room() const {
  std::lock_guard lock(mu_);
  return queue_.size() < options_.queue_capacity;
}

void SubscriptionState::made_room() {
  if (want_room_.load(std::memory_order_relaxed) && want_room_.exchange(false) && room_waker_) {
    room_waker_();
  }
}

bool SubscriptionState::push(const Event& event) {
  std::lock_guard lock(mu_);
  if (closed()) return true;
  const ArrivalOutcome outcome = admit_arrival(queue_, event, options_);
  if (outcome.dropped) dropped_.fetch_add(1, std::memory_order_relaxed);
  switch (outcome.action) {
    case Arrival::kQueue: queue_.push(event); break;
    case Arrival::kDeadLetter: record_overflow_locked(event); break;
    case Arrival::kDropNewest: break;
  }
  return !outcome.dropped;
}

bool SubscriptionState::wait_for_batch(std::chrono::milliseconds timeout) {
  if (closed()) return false;
  if (!taken_.empty()) return true;
  // Take everything queued under one lock; later pops are lock-free.
  std::unique_lock lock(mu_);
  if (queue_.empty() && !closed()) {
    ++waiters_;
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || closed(); });
    --waiters_;
  }
  if (queue_.empty() || closed()) return false;
  taken_.swap(queue_);
  lock.unlock();
  made_room();
  return true;
}

void SubscriptionState::count_taken() {
  taken_size_.store(taken_.size(), std::memory_order_relaxed);
  delivered_.fetch_add(1, std::memory_order_relaxed);
}

std::optional<Event> SubscriptionState::pop(std::chrono::milliseconds timeout) {
  if (!wait_for_batch(timeout)) return std::nullopt;
  std::optional<Event> e(taken_.take_front());
  count_taken();
  return e;
}

bool SubscriptionState::pop_into(Event& out, std::chrono::milliseconds timeout) {
  if (!wait_for_batch(timeout)) return false;
  taken_.swap_front(out);
  count_taken();
  return true;
}

std::size_t SubscriptionState::run_callbacks() {
  {
    std::lock_guard lock(mu_);
    taken_.swap(queue_);
  }
  made_room();
  std::size_t ran = 0;
  for (const Event& e : taken_) {
    if (closed()) break;
    callback_(e);
    ++ran;
  }
  taken_.clear();
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
  return queue_.size() + taken_size_.load(std::memory_order_relaxed);
}

}  // namespace vsm::detail
