// Work posted to the reactor thread by other threads (subscribe, connect, ...).
// Thread-safety: post() from any thread; run_all() from the reactor.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

namespace vsm::detail {

class CommandQueue {
 public:
  using Command = std::function<void()>;

  // Returns false (and drops `cmd`) once closed.
  bool post(Command cmd) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    items_.push_back(std::move(cmd));
    return true;
  }
  bool empty() {
    std::lock_guard lock(mu_);
    return items_.empty();
  }
  // Runs every queued command; with `close` set, later posts are refused.
  void run_all(bool close = false) {
    std::vector<Command> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(items_);
      if (close) closed_ = true;
    }
    for (auto& c : batch) c();
  }

 private:
  std::mutex mu_;
  std::vector<Command> items_;
  bool closed_ = false;
};

}  // namespace vsm::detail
