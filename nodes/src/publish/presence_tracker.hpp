// Counts remote subscriber nodes that are ready, from the (un)subscribe messages an
// XPUB socket reports with ZMQ_XPUB_VERBOSER. The XPUB's readers (sender thread, under the
// socket mutex) feed it; any thread may
// wait on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace vsm::detail {

class PresenceTracker {
 public:
  enum class Change { kNone, kReady, kGone };
  // `message` is an XPUB subscription message: 0x01|0x00 followed by the topic. Says
  // whether it made a subscriber instance ready (its first presence topic) or gone
  // (its last one unsubscribed, or its connection closed); `*instance` names it.
  Change on_subscription_message(std::string_view message, std::string_view* instance = nullptr);
  std::size_t ready() const;
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
  // Wakes waiters (used at shutdown).
  void release_waiters();

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, std::size_t, std::less<>> instances_;  // instance -> topic count
  bool released_ = false;
};

}  // namespace vsm::detail
