#include "publish/sender.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/node_thread.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
void Sender::start(Hello hello) {
  hello_ = std::move(hello);
  hello_topic_ = hello_topic(hello_.name);
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void Sender::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  queue_.wake();
  join_unless_self(thread_);
}

void Sender::run(std::stop_token stop) {
  set_thread_name("vsm-sender");
  while (!stop.stop_requested()) {
    try {
      wait_for_work();
      pipeline_.commit_queued(queue_);
      if (socket_.read_incoming(pipeline_)) hello_due_ = true;
      const std::uint64_t now = monotonic_ms();
      if (pipeline_.flow().has_followers() && now >= next_expire_ms_) {
        next_expire_ms_ = now + kExpireEveryMs;
        pipeline_.flow().expire(now);
      }
      if (hello_due_ || now >= next_hello_ms_) {
        hello_due_ = false;
        next_hello_ms_ = now + static_cast<std::uint64_t>(std::max(1, config_.hello_interval_ms));
        send_hello();
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::error("vsm: node {} sender: {}", config_.name, e.what());
    }
  }
  try {
    pipeline_.commit_queued(queue_);  // the queue is closed: this is the last of it
  } catch (const zmq::error_t& e) {
    spdlog::warn("vsm: node {} sender flush: {}", config_.name, e.what());
  }
  if (const auto left = pipeline_.held(); left > 0) {
    spdlog::error("vsm: node {} stopped with {} published event(s) still held back (the log "
                  "did not accept them, or a Reliable follower had not acknowledged enough); "
                  "they were not sent", config_.name, left);
  }
  socket_.close();
}

// Spins a little for queued frames (idle_spin.hpp says when and how long), then sleeps
// in zmq_poll until the queue's eventfd or the XPUB's ZMQ_FD is readable, the next
// hello is due, or, while frames are held back, a short retry interval passed (acks of
// Reliable followers arrive on the XPUB; a failing log is retried).
void Sender::wait_for_work() {
  const bool held = pipeline_.held() > 0;
  if (!held && queue_.size() != 0) return;
  zmq::pollitem_t items[] = {
      {nullptr, socket_.fd(), ZMQ_POLLIN, 0},  // not the socket: publishers may use it
      {nullptr, queue_.wake_fd(), ZMQ_POLLIN, 0},
  };
  const std::uint64_t now = monotonic_ms();
  std::int64_t timeout = next_hello_ms_ > now ? static_cast<std::int64_t>(next_hello_ms_ - now) : 0;
  if (pipeline_.flow().has_followers()) timeout = std::min<std::int64_t>(timeout, kExpireEveryMs);
  if (held) {
    // The queue is not what we wait for now: acknowledgements (or the log) are.
    const int retry = pipeline_.log_failing() ? kRetryHeldMs : kFlowPollMs;
    zmq::poll(items, 1, std::chrono::milliseconds(std::min<std::int64_t>(timeout, retry)));
    return;
  }
  const std::int64_t start = IdleSpin::now_ns();
  const std::int64_t budget = spin_.budget_ns();
  for (std::int64_t t = start; t - start < budget; t = IdleSpin::now_ns()) {
    if (queue_.size() != 0) {
      spin_.idle_ended(t - start);
      return;
    }
    if (!spin_.relax(start, t - start)) break;
  }
  if (queue_.arm_sleep()) {
    // Inline sends process the XPUB's commands too and may consume the wake-up of its
    // ZMQ_FD; while they happen, look at the socket again after a short sleep.
    const std::uint64_t inline_now = socket_.inline_sends();
    if (inline_now != inline_seen_) timeout = std::min<std::int64_t>(timeout, kInlinePollMs);
    inline_seen_ = inline_now;
    zmq::poll(items, 2, std::chrono::milliseconds(timeout));
    queue_.disarm_sleep();
    if (items[1].revents & ZMQ_POLLIN) queue_.clear_wake();
  }
  spin_.idle_ended(IdleSpin::now_ns() - start);
}

void Sender::send_hello() {
  pipeline_.send_with_heads([&](const std::array<std::uint64_t, kChannelCount>& heads) {
    hello_.last = heads;
    hello_buf_.clear();
    encode_hello(hello_, hello_buf_);
    socket_.send_internal(hello_topic_, hello_buf_);
  });
}

}  // namespace vsm::detail
