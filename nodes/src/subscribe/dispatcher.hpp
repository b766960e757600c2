// Runs callback subscriptions on one dedicated thread, in arrival order per
// subscription, so a slow callback never stalls the reactor (it only fills its own
// bounded queue). Thread-safety: all methods thread-safe; stop() joins.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "subscribe/subscription_state.hpp"

namespace vsm::detail {

class Dispatcher {
 public:
  Dispatcher();
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void add(std::shared_ptr<SubscriptionState> state);
  void remove(const SubscriptionState* state);
  // Some subscription has new events; cheap when the thread is already awake.
  void notify();
  // Ends the thread after the callbacks running now and joins it (unless called from
  // a callback: then a later stop() joins). Idempotent.
  void stop();

 private:
  void run(std::stop_token stop);

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::vector<std::shared_ptr<SubscriptionState>> subs_;
  bool pending_ = false;
  std::jthread thread_;
};

}  // namespace vsm::detail
