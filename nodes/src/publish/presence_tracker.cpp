#include "publish/presence_tracker.hpp"

#include "core/internal_topics.hpp"

namespace vsm::detail {

void PresenceTracker::on_subscription_message(std::string_view message) {
  if (message.empty()) return;
  const bool subscribe = message[0] == 1;
  auto instance = presence_instance(message.substr(1));
  if (!instance) return;
  std::lock_guard lock(mu_);
  auto it = instances_.find(*instance);
  if (subscribe) {
    if (it == instances_.end()) {
      instances_.emplace(std::string(*instance), 1);
    } else {
      ++it->second;
    }
    cv_.notify_all();
  } else if (it != instances_.end() && --it->second == 0) {
    instances_.erase(it);
  }
}

std::size_t PresenceTracker::ready() const {
  std::lock_guard lock(mu_);
  return instances_.size();
}

bool PresenceTracker::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return released_ || instances_.size() >= n; }) &&
         instances_.size() >= n;
}

void PresenceTracker::release_waiters() {
  std::lock_guard lock(mu_);
  released_ = true;
  cv_.notify_all();
}

}  // namespace vsm::detail
