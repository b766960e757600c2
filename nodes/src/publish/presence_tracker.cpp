#include "publish/presence_tracker.hpp"

#include "core/internal_topics.hpp"

namespace vsm::detail {

PresenceTracker::Change PresenceTracker::on_subscription_message(std::string_view message,
                                                                 std::string_view* instance) {
  if (message.empty()) return Change::kNone;
  const bool subscribe = message[0] == 1;
  auto id = presence_instance(message.substr(1));
  if (!id) return Change::kNone;
  if (instance != nullptr) *instance = *id;
  std::lock_guard lock(mu_);
  auto it = instances_.find(*id);
  if (subscribe) {
    cv_.notify_all();
    if (it == instances_.end()) {
      instances_.emplace(std::string(*id), 1);
      return Change::kReady;
    }
    ++it->second;
    return Change::kNone;
  }
  if (it != instances_.end() && --it->second == 0) {
    instances_.erase(it);
    return Change::kGone;
  }
  return Change::kNone;
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
