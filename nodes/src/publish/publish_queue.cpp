#include "publish/publish_queue.hpp"

#include <cstdint>

namespace vsm::detail {

PublishQueue::PublishQueue(std::size_t capacity) : capacity_(capacity) {}

Error PublishQueue::full_error() const {
  return Error::queue_full("publish queue holds " + std::to_string(capacity_) +
                           " events (publish_queue_capacity); retry later, raise it or set "
                           "publish_block_timeout_ms");
}

Error PublishQueue::closed_error() {
  return Error::shutting_down("node is closing; publish() is no longer accepted");
}

Status PublishQueue::admit(int block_ms) const {
  if (closed_flag_.load(std::memory_order_relaxed)) {
    return closed_error();
  }
  if (block_ms <= 0 && size_.load(std::memory_order_relaxed) >= capacity_) return full_error();
  return {};
}

Status PublishQueue::wait_for_room(std::unique_lock<std::mutex>& lock, int block_ms) {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  for (;;) {
    if (closed_) return closed_error();
    if (items_.size() < capacity_) return {};
    if (block_ms <= 0) return full_error();
    if (!deadline) {
      deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(block_ms);
    }
    ++blocked_;
    const auto st = room_cv_.wait_until(lock, *deadline);
    --blocked_;
    if (st == std::cv_status::timeout && !closed_ && items_.size() >= capacity_) {
      return full_error();
    }
  }
}

void PublishQueue::take(FrameBatch& out) {
  bool wake_blocked = false;
  {
    std::lock_guard lock(mu_);
    out.swap(items_);
    size_.store(0, std::memory_order_relaxed);
    wake_blocked = blocked_ > 0;
  }
  if (wake_blocked) room_cv_.notify_all();
}

bool PublishQueue::arm_sleep() {
  sleeping_.store(true, std::memory_order_seq_cst);
  if (size_.load(std::memory_order_seq_cst) != 0) {
    sleeping_.store(false, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void PublishQueue::close() {
  bool wake_blocked = false;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    closed_flag_.store(true, std::memory_order_relaxed);
    wake_blocked = blocked_ > 0;
  }
  if (wake_blocked) room_cv_.notify_all();
}

}  // namespace vsm::detail
