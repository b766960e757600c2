// The sender thread ("vsm-sender"): commits what publishers queued (log, ring, XPUB;
// publish/publish_pipeline.hpp), reads what subscribers send back on the XPUB, and
// announces this node's heads in hello messages (docs/PROTOCOL.md §1.6): every
// hello_interval_ms, and at once when a new subscriber becomes ready. Between bursts it
// spins briefly (core/idle_spin.hpp), then sleeps in zmq_poll on the queue's eventfd and
// the XPUB's ZMQ_FD. It never touches the receive side, so a slow disk under the log
// delays publishing, never receiving.
// Lifecycle: start() once; stop() commits what is queued, closes the XPUB (lingering
// up to linger_ms) and joins. Thread-safety: start()/stop() from the node's owner.
#pragma once

#include <cstdint>
#include <string>
#include <thread>

#include "core/hello.hpp"
#include "core/idle_spin.hpp"
#include "publish/publish_pipeline.hpp"
#include "publish/publish_queue.hpp"
#include "publish/publisher_socket.hpp"

namespace vsm::detail {

class Sender {
 public:
  Sender(const NodeConfig& config, PublishQueue& queue, PublishPipeline& pipeline,
         PublisherSocket& socket)
      : config_(config), queue_(queue), pipeline_(pipeline), socket_(socket) {}
  ~Sender() { stop(); }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // `hello` names this node, its instance and control endpoint (heads are filled in).
  void start(Hello hello);
  // Stops after a last commit; the queue must be closed first. Idempotent.
  void stop();

 private:
  static constexpr int kInlinePollMs = 2;
  static constexpr int kRetryHeldMs = 100;   // held frames (log failing) are retried this often
  static constexpr int kExpireEveryMs = 100;  // silent Reliable followers are looked for this often
  static constexpr int kFlowPollMs = 2;       // held by a follower's window: look for acks this often

  void run(std::stop_token stop);
  void wait_for_work();
  void send_hello();

  const NodeConfig& config_;
  PublishQueue& queue_;
  PublishPipeline& pipeline_;
  PublisherSocket& socket_;

  // Sender thread only.
  IdleSpin spin_;
  Hello hello_;
  std::string hello_topic_;
  std::string hello_buf_;
  std::uint64_t next_hello_ms_ = 0;
  std::uint64_t next_expire_ms_ = 0;
  std::uint64_t inline_seen_ = 0;
  bool hello_due_ = true;  // announce at once: subscribers may already be connected
  std::jthread thread_;
};

}  // namespace vsm::detail
