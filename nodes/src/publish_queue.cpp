#include "publish_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace vsm::detail {

PublishQueue::PublishQueue(std::size_t capacity)
    : capacity_(capacity), fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("eventfd() failed");
}

PublishQueue::~PublishQueue() {
  if (fd_ >= 0) ::close(fd_);
}

void PublishQueue::take(std::vector<OutFrame>& out) {
  std::lock_guard lock(mu_);
  out.swap(items_);
  size_.store(0, std::memory_order_relaxed);
}

bool PublishQueue::arm_sleep() {
  sleeping_.store(true, std::memory_order_seq_cst);
  if (size_.load(std::memory_order_seq_cst) != 0) {
    sleeping_.store(false, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void PublishQueue::clear_wake() {
  std::uint64_t v;
  while (::read(fd_, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) {
  }
}

void PublishQueue::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

void PublishQueue::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

}  // namespace vsm::detail
