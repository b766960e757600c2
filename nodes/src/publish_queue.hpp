// Bounded hand-off of encoded frames from publishing threads to the reactor, with an
// eventfd the reactor polls. Publishers wake the reactor only when it is (about to
// be) asleep, so a busy stream costs no system call per event.
// Thread-safety: push() from any thread; take()/arm_sleep() from the reactor only.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include <zmq.hpp>

#include "vsm/channel.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct OutFrame {
  zmq::message_t topic;
  zmq::message_t body;
  Channel channel;
};

class PublishQueue {
 public:
  explicit PublishQueue(std::size_t capacity);
  ~PublishQueue();
  PublishQueue(const PublishQueue&) = delete;
  PublishQueue& operator=(const PublishQueue&) = delete;

  // Runs `build` under the queue lock (so sequence numbers follow queue order) and
  // enqueues the frame it returns. kQueueFull when at capacity, kShuttingDown once closed.
  template <typename Build>
  Status push(Build&& build) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return Error::shutting_down("node is closing; publish() is no longer accepted");
      if (items_.size() >= capacity_) {
        return Error::queue_full("publish queue holds " + std::to_string(capacity_) +
                                 " events (publish_queue_capacity); retry later or raise it");
      }
      auto frame = build();
      if (!frame) return std::move(frame).error();
      items_.push_back(std::move(frame.value()));
      size_.store(items_.size(), std::memory_order_relaxed);
    }
    if (sleeping_.exchange(false, std::memory_order_acq_rel)) wake();
    return {};
  }

  // Reactor: swaps the queued frames into `out` (which must be empty).
  void take(std::vector<OutFrame>& out);
  // Reactor, before polling: marks itself asleep. Returns false (stay awake) when work
  // is already queued.
  bool arm_sleep();
  void disarm_sleep() { sleeping_.store(false, std::memory_order_release); }
  // Reactor: drains the eventfd after poll reported it readable.
  void clear_wake();
  void wake();
  // Subsequent pushes fail with kShuttingDown.
  void close();

  int wake_fd() const noexcept { return fd_; }
  std::size_t size() const noexcept { return size_.load(std::memory_order_relaxed); }

 private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::vector<OutFrame> items_;
  bool closed_ = false;
  std::atomic<std::size_t> size_{0};
  std::atomic<bool> sleeping_{false};
  int fd_ = -1;
};

}  // namespace vsm::detail
