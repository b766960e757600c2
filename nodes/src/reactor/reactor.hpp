// The reactor thread ("vsm-reactor"): owns the XSUB socket (the receive side of the data
// plane: a SUB that can also send upstream, for Reliable acknowledgements, core/ack.hpp) and runs, in one loop, the commands other threads post (subscribe, connect,
// repair answers, alerts first seen on the algedonic lane, partition announcements),
// the received messages (handed to a ReactorHandler, receive/receive_path.hpp), and
// the handler's end-of-turn work (timers, waking consumers). Between bursts it spins
// briefly (core/idle_spin.hpp), then sleeps in zmq_poll on the SUB and an eventfd.
// Thread-safety: post()/call()/wake() from any thread; sub() and connected() only on
// the reactor thread (or before start()).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "core/command_queue.hpp"
#include "core/event_fd.hpp"
#include "core/idle_spin.hpp"
#include "core/node_counters.hpp"
#include "security/node_security.hpp"
#include "security/peer_names.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

// What the reactor calls on its thread.
class ReactorHandler {
 public:
  virtual ~ReactorHandler() = default;
  // One message of the receive socket: one frame (docs/PROTOCOL.md §1). `peer` is the
  // authenticated publisher (security on, security/peer_names.hpp), else empty.
  virtual void on_message(std::string_view frame, std::string_view peer) = 0;
  // After a batch of messages (every kWakeBatch messages and at the end of each turn).
  virtual void on_batch_end() = 0;
  // Once per loop turn, after the commands and the messages.
  virtual void on_turn_end() = 0;
};

class Reactor {
 public:
  Reactor(const NodeConfig& config, zmq::context_t& ctx, NodeCounters& counters,
          NodeSecurity& security);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Creates the SUB socket (subscribed to the fabric's hello topic) and the wake-up
  // descriptor, and connects the static peers. kIo / kInvalid naming what failed.
  Status open();
  void start(ReactorHandler& handler);
  // Refuses further posts after the running commands; the loop ends. Non-blocking.
  void close();
  // close() and join (unless called on the reactor thread itself). Idempotent.
  void stop();

  // Runs `cmd` on the reactor thread; false (dropped) once closed.
  bool post(CommandQueue::Command cmd);
  // Runs `fn` on the reactor thread and waits for its status; runs it directly when
  // called on the reactor thread. kShuttingDown once closed.
  Status call(std::function<Status()> fn);
  void wake() const noexcept { wake_.signal(); }
  bool on_reactor_thread() const noexcept;

  // Reactor thread (or before start()): (un)subscribes the XSUB to a topic prefix.
  void set_topic(std::string_view prefix, bool subscribe);
  // Reactor thread: sends one frame upstream to every connected publisher (never
  // blocks; a publisher at its high-water mark misses it). False once closed.
  bool send_upstream(std::string_view frame);
  // Connects/disconnects the XSUB (idempotent connect; kNotFound for an unknown
  // disconnect). Reactor thread. "NAME@ENDPOINT" names the publisher; with security on
  // the connection pins NAME's trusted key (kNotFound without one, kInvalid unnamed).
  Status connect(const std::string& endpoint);
  Status disconnect(const std::string& endpoint);
  // Disconnects after `grace` unless connect() names the endpoint again before: what
  // the publisher sent before it went away is still read (a disconnect drops what the
  // socket has received but not yet read).
  Status disconnect_after(const std::string& endpoint, std::chrono::milliseconds grace);

 private:
  static constexpr int kMaxReadsPerTurn = 2048;
  static constexpr int kWakeBatch = 256;  // consumers are woken at least this often
  static constexpr std::chrono::milliseconds kIdlePoll{100};

  void run(std::stop_token stop);
  void turn();
  void wait_for_work();
  void read_messages();
  void finish_draining();
  Status open_monitor();
  // Security on: the authenticated publisher of msg_ (monitor drained first).
  std::string_view peer_of_message();

  const NodeConfig& config_;
  zmq::context_t& ctx_;
  NodeCounters& counters_;
  NodeSecurity& security_;
  zmq::socket_t sub_;
  zmq::socket_t monitor_;  // security on: the XSUB's connection events
  PeerNames peers_;        // reactor thread
  CommandQueue commands_{"reactor"};
  EventFd wake_;
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> closing_{false};
  ReactorHandler* handler_ = nullptr;

  // Reactor thread only.
  IdleSpin spin_;
  std::set<std::string> connected_;
  struct Draining {
    std::string spec;       // NAME@ENDPOINT as connected
    std::int64_t due_ms;    // monotonic
  };
  std::map<std::string, Draining> draining_;  // endpoint -> pending disconnect
  zmq::message_t msg_;
  std::jthread thread_;
};

}  // namespace vsm::detail
