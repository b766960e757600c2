// Bounded hand-off of encoded frames from publishing threads to the sender thread
// (publish/sender.hpp), with an eventfd the sender polls. Publishers encode before they
// take the lock; under it they only number the frame (seal) and append it, so the lock
// is held for a few hundred nanoseconds. The sender is woken only when it is (about to
// be) asleep, so a busy stream costs no system call per event. A full queue fails at
// once or, with a block timeout, waits for room on a condition variable that only a
// waiting publisher (and the sender, when it sees one) ever touches.
// Thread-safety: admit()/push()/seal_if_idle() from any thread; take()/arm_sleep() from
// the sender (or a thread holding the pipeline lock) only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/event_fd.hpp"
#include "publish/frame_batch.hpp"
#include "vsm/channel.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

class PublishQueue {
 public:
  explicit PublishQueue(std::size_t capacity);
  // Creates the wake-up descriptor (kIo when the kernel refuses). Before any push().
  Status open() { return wake_fd_.open(); }
  PublishQueue(const PublishQueue&) = delete;
  PublishQueue& operator=(const PublishQueue&) = delete;

  // Lock-free early check, before a publisher spends time encoding: kShuttingDown once
  // closed; kQueueFull when full and block_ms == 0. With block_ms > 0 a full queue is
  // left to push(), which waits.
  Status admit(int block_ms) const;

  // Runs `seal(frame)` under the queue lock (so the sequence numbers it assigns follow
  // queue order) and enqueues the frame unless seal fails. When the queue is full it
  // fails with kQueueFull at once (block_ms == 0) or waits up to block_ms for the
  // sender to take frames first. kShuttingDown once closed, also while waiting.
  // The frame's bytes are copied into a slot of the queue's batch (a spare's buffer in a
  // steady stream: no allocation).
  template <typename Seal>
  Status push(std::string_view bytes, Channel channel, int block_ms, Seal&& seal) {
    {
      std::unique_lock lock(mu_);
      if (auto st = wait_for_room(lock, block_ms); !st) return st;
      OutFrame& frame = items_.next(bytes, channel);
      if (auto st = seal(frame); !st) return st;
      items_.commit_next();
      size_.store(items_.size(), std::memory_order_relaxed);
    }
    if (sleeping_.exchange(false, std::memory_order_acq_rel)) wake();
    return {};
  }

  // Inline publishing: when nothing is queued, runs `seal(frame)` under the queue lock
  // and returns true without queueing; the caller commits the frame itself, under the
  // pipeline lock the sender also holds while it takes and commits queued frames (so wire order stays
  // seal order). False when frames are queued (the caller falls back to push()).
  // kShuttingDown once closed; the error of `seal` when it fails.
  template <typename Seal>
  Result<bool> seal_if_idle(OutFrame& frame, Seal&& seal) {
    std::lock_guard lock(mu_);
    if (closed_) return closed_error();
    if (!items_.empty()) return false;
    if (auto st = seal(frame); !st) return st.error();
    return true;
  }

  // Sender: swaps the queued frames into `out` (which must hold no frames; its spares
  // become the queue's) and wakes publishers blocked on a full queue. Always locks: a
  // frame sealed before the call is taken by it.
  void take(FrameBatch& out);
  // Sender, before polling: marks itself asleep. Returns false (stay awake) when work
  // is already queued.
  bool arm_sleep();
  void disarm_sleep() { sleeping_.store(false, std::memory_order_release); }
  // Sender: drains the eventfd after poll reported it readable.
  void clear_wake() { wake_fd_.drain(); }
  void wake() { wake_fd_.signal(); }
  // Subsequent pushes fail with kShuttingDown; wakes blocked publishers. Idempotent.
  void close();

  int wake_fd() const noexcept { return wake_fd_.fd(); }
  std::size_t size() const noexcept { return size_.load(std::memory_order_relaxed); }

 private:
  Status wait_for_room(std::unique_lock<std::mutex>& lock, int block_ms);
  Error full_error() const;
  static Error closed_error();

  const std::size_t capacity_;
  std::mutex mu_;
  FrameBatch items_;
  bool closed_ = false;                   // guarded by mu_
  int blocked_ = 0;                       // publishers waiting for room, guarded by mu_
  std::condition_variable room_cv_;       // only used while blocked_ > 0
  std::atomic<bool> closed_flag_{false};  // closed_, for the lock-free admit()
  std::atomic<std::size_t> size_{0};
  std::atomic<bool> sleeping_{false};
  EventFd wake_fd_;
};

}  // namespace vsm::detail
