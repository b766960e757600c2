// Work posted to a node thread (the reactor, the algedonic lane) by other threads:
// subscribe, connect, repair answers, alerts. Each command runs once, in post order; a
// command that throws is logged and does not keep the commands after it from running.
// Thread-safety: post() from any thread; run_all() from the owning thread only.
#pragma once

#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

namespace vsm::detail {

class CommandQueue {
 public:
  using Command = std::function<void()>;

  // `owner` names the thread in error logs ("reactor", "algedonic lane").
  explicit CommandQueue(std::string_view owner = "node") : owner_(owner) {}

  // Returns false (and drops `cmd`) once closed.
  bool post(Command cmd);
  bool empty() const;
  // Runs every queued command; with `close` set, later posts are refused. Returns how
  // many commands threw (each is logged).
  int run_all(bool close = false);

 private:
  const std::string_view owner_;
  mutable std::mutex mu_;
  std::vector<Command> items_;
  std::vector<Command> batch_;  // owning thread only: reused between turns
  bool closed_ = false;
};

}  // namespace vsm::detail
