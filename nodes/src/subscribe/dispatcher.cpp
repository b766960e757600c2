#include "subscribe/dispatcher.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/node_thread.hpp"

namespace vsm::detail {

Dispatcher::Dispatcher() : thread_([this](std::stop_token st) { run(st); }) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::add(std::shared_ptr<SubscriptionState> state) {
  std::lock_guard lock(mu_);
  subs_.push_back(std::move(state));
}

void Dispatcher::remove(const SubscriptionState* state) {
  std::lock_guard lock(mu_);
  std::erase_if(subs_, [&](const auto& s) { return s.get() == state; });
}

void Dispatcher::notify() {
  {
    std::lock_guard lock(mu_);
    if (pending_) return;
    pending_ = true;
  }
  cv_.notify_one();
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  cv_.notify_all();
  join_unless_self(thread_);  // a callback may stop the node: joined by a later stop()
}

void Dispatcher::run(std::stop_token stop) {
  set_thread_name("vsm-dispatch");
  std::vector<std::shared_ptr<SubscriptionState>> snapshot;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, stop, [&] { return pending_; });
      if (!pending_ && stop.stop_requested()) return;
      pending_ = false;
      snapshot = subs_;
    }
    for (const auto& s : snapshot) {
      try {
        s->run_callbacks();
      } catch (const std::exception& e) {
        spdlog::error("vsm: subscription callback threw: {}", e.what());
      }
    }
    snapshot.clear();
  }
}

}  // namespace vsm::detail
