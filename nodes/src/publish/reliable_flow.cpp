#include "publish/reliable_flow.hpp"

#include <algorithm>
#include <limits>

namespace vsm::detail {

namespace {
constexpr std::uint64_t kNoFloor = std::numeric_limits<std::uint64_t>::max();
}  // namespace

ReliableFlow::ReliableFlow(std::string self, ReliableFlowConfig config)
    : self_(std::move(self)), config_(config) {
  for (auto& m : min_acked_) m.store(kNoFloor, std::memory_order_relaxed);
}

bool ReliableFlow::on_ack(const AckView& ack, const std::array<std::uint64_t, kChannelCount>& sent,
                          std::uint64_t now_ms) {
  if (ack.publisher != self_ || config_.window_events == 0) return false;
  std::lock_guard lock(mu_);
  auto it = followers_.find(ack.instance);
  if (it == followers_.end()) {
    if (followers_.size() >= config_.max_followers) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    it = followers_.emplace(std::string(ack.instance), Follower{}).first;
  }
  Follower& f = it->second;
  f.last_ack_ms = now_ms;
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    if (!ack.positions[i]) {
      f.acked[i].reset();
      continue;
    }
    // A new follower constrains only what is published from now on: its history comes
    // from repair without holding live publishing back.
    const std::uint64_t floor = f.acked[i] ? *f.acked[i] : sent[i];
    f.acked[i] = std::max(*ack.positions[i], floor);
  }
  acks_.fetch_add(1, std::memory_order_relaxed);
  recompute_locked();
  return true;
}

void ReliableFlow::on_gone(std::string_view instance) {
  std::lock_guard lock(mu_);
  auto it = followers_.find(instance);
  if (it == followers_.end()) return;
  followers_.erase(it);
  lost_.fetch_add(1, std::memory_order_relaxed);
  recompute_locked();
}

std::size_t ReliableFlow::expire(std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  const std::size_t n = std::erase_if(followers_, [&](const auto& kv) {
    return now_ms > kv.second.last_ack_ms + config_.ack_timeout_ms;
  });
  if (n > 0) {
    timed_out_.fetch_add(n, std::memory_order_relaxed);
    recompute_locked();
  }
  return n;
}

void ReliableFlow::recompute_locked() {
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    std::uint64_t min = kNoFloor;
    for (const auto& [name, f] : followers_) {
      if (f.acked[i]) min = std::min(min, *f.acked[i]);
    }
    min_acked_[i].store(min, std::memory_order_release);
  }
  followers_count_.store(followers_.size(), std::memory_order_relaxed);
}

bool ReliableFlow::permits(Channel channel, std::uint64_t seq) const noexcept {
  const std::uint64_t floor = min_acked_[channel_index(channel)].load(std::memory_order_acquire);
  return floor == kNoFloor || seq <= floor + config_.window_events;
}

std::string ReliableFlow::describe_block(Channel channel) const {
  std::lock_guard lock(mu_);
  const std::size_t i = channel_index(channel);
  const std::string* slowest = nullptr;
  std::uint64_t min = kNoFloor;
  for (const auto& [name, f] : followers_) {
    if (f.acked[i] && *f.acked[i] < min) {
      min = *f.acked[i];
      slowest = &name;
    }
  }
  if (slowest == nullptr) return "the replay ring is full of unacknowledged events";
  return "Reliable subscriber " + *slowest + " has acknowledged " + std::string(channel_name(channel)) +
         " seq " + std::to_string(min) + " only (window " + std::to_string(config_.window_events) +
         " events, reliable_window_events); it is dropped if it stays silent for " +
         std::to_string(config_.ack_timeout_ms) + " ms or disconnects";
}

void ReliableFlow::fill_stats(NodeStats& s) const {
  s.reliable_followers = followers_count_.load(std::memory_order_relaxed);
  s.acks_received = acks_.load(std::memory_order_relaxed);
  s.reliable_lost = lost_.load(std::memory_order_relaxed);
  s.reliable_timed_out = timed_out_.load(std::memory_order_relaxed);
}

}  // namespace vsm::detail
