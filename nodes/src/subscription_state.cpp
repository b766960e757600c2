#include "subscription_state.hpp"

#include <algorithm>

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
                                     SubscribeOptions options)
    : id_(g_next_id.fetch_add(1, std::memory_order_relaxed)),
      filter_(std::move(filter)),
      prefixes_(socket_prefixes(filter_, options.mode)),
      callback_(std::move(callback)),
      options_(options) {
  if (options_.mode == DeliveryMode::kReliable) {
    tracker_ = std::make_unique<ReliableTracker>(options_.start_seq, options_.max_held_events,
                                                 options_.repair_attempts,
                                                 options_.start_time_ms);
  }
}

namespace {
bool same_topic(const Event& a, const Event& b) {
  return a.channel == b.channel && a.source == b.source && a.type == b.type;
}
}  // namespace

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

bool SubscriptionState::offer(Event& event) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closed()) return true;
    if (queue_.size() >= options_.queue_capacity) {
      want_room_.store(true, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(event));
    wake = waiters_ > 0;
  }
  if (wake) cv_.notify_one();
  return true;
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

bool SubscriptionState::push(Event&& event) {
  bool kept = true;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closed()) return true;
    if (options_.mode == DeliveryMode::kLatestOnly) {
      // Conflation: the older event of the same topic is superseded, not dropped.
      auto it = std::find_if(queue_.begin(), queue_.end(),
                             [&](const Event& q) { return same_topic(q, event); });
      if (it != queue_.end()) queue_.erase(it);
    }
    if (queue_.size() >= options_.queue_capacity) {
      kept = false;
      dropped_.fetch_add(1, std::memory_order_relaxed);
      if (options_.overflow == OverflowPolicy::kDeadLetter) {
        record_overflow_locked(event);
        return false;
      }
      if (options_.overflow == OverflowPolicy::kDropNewest) return false;
      queue_.pop_front();
    }
    queue_.push_back(std::move(event));
    wake = waiters_ > 0;
  }
  // Only a consumer blocked in pop() needs a futex wake; a busy one finds the event on
  // its next swap. This keeps the reactor free of a system call per event.
  if (wake) cv_.notify_one();
  return kept;
}

std::optional<Event> SubscriptionState::pop(std::chrono::milliseconds timeout) {
  if (closed()) return std::nullopt;
  if (taken_.empty()) {
    // Take everything queued under one lock; later pops are lock-free.
    std::unique_lock lock(mu_);
    ++waiters_;
    const bool ready = cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || closed(); });
    --waiters_;
    if (!ready || queue_.empty() || closed()) return std::nullopt;
    taken_.swap(queue_);
    lock.unlock();
    made_room();
  }
  Event e = std::move(taken_.front());
  taken_.pop_front();
  taken_size_.store(taken_.size(), std::memory_order_relaxed);
  delivered_.fetch_add(1, std::memory_order_relaxed);
  return e;
}

std::size_t SubscriptionState::run_callbacks() {
  std::deque<Event> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  made_room();
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
  return queue_.size() + taken_size_.load(std::memory_order_relaxed);
}

}  // namespace vsm::detail
