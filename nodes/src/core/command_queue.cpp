#include "core/command_queue.hpp"

#include <exception>

#include <spdlog/spdlog.h>

namespace vsm::detail {

bool CommandQueue::post(Command cmd) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  items_.push_back(std::move(cmd));
  return true;
}

bool CommandQueue::empty() const {
  std::lock_guard lock(mu_);
  return items_.empty();
}

int CommandQueue::run_all(bool close) {
  {
    std::lock_guard lock(mu_);
    batch_.swap(items_);
    if (close) closed_ = true;
  }
  int failed = 0;
  for (auto& c : batch_) {
    try {
      c();
    } catch (const std::exception& e) {
      ++failed;
      spdlog::error("vsm: a command on the {} thread threw: {}", owner_, e.what());
    } catch (...) {
      ++failed;
      spdlog::error("vsm: a command on the {} thread threw a non-standard exception", owner_);
    }
  }
  batch_.clear();
  return failed;
}

}  // namespace vsm::detail
