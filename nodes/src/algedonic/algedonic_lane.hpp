// The algedonic lane of one node: a dedicated std::jthread with its own ZeroMQ context,
// a DISH bound on UDP (groups "alg" and "ack") and one RADIO per peer, so alerts never
// wait on the data plane. Sends each raised alert to every peer, acknowledges received
// alerts, retries unacknowledged ones (AlertTracker), deduplicates alerts that also
// arrive on the data plane, and runs on_algedonic callbacks on its own thread.
// Thread-safety: every public method may be called from any thread; start() once.
// Lifecycle: start() binds (blocking up to ~1 s to verify the DISH), close() is
// idempotent and non-blocking, stop() joins. Pending reports resolve with closed = true.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "algedonic/alert_tracker.hpp"
#include "algedonic/algedonic_codec.hpp"
#include "chaos/chaos_engine.hpp"
#include "core/command_queue.hpp"
#include "core/event_fd.hpp"
#include "vsm/algedonic.hpp"
#include "vsm/dedup_window.hpp"
#include "vsm/latency_histogram.hpp"
#include "vsm/fault_gate.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

class AlgedonicLane {
 public:
  // `to_subscribers` receives alerts first seen on the lane, for the node's ordinary
  // subscriptions; it is called on the lane thread and must not block. `chaos` (may be
  // null) injects faults into received datagrams.
  AlgedonicLane(const NodeConfig& config, DatagramCodec codec,
                std::function<void(Event&&)> to_subscribers, ChaosEngine* chaos = nullptr);
  ~AlgedonicLane();
  AlgedonicLane(const AlgedonicLane&) = delete;
  AlgedonicLane& operator=(const AlgedonicLane&) = delete;

  // Binds and verifies the DISH, connects the peers, starts the thread. kInvalid for a
  // bad endpoint, kIo when no DISH could be bound.
  Status start();
  void close();
  void stop();

  // Sends an encoded alert envelope to every peer. REQUIRES: start() succeeded.
  std::shared_future<DeliveryReport> raise(EventId id, std::string envelope);
  // Reactor thread: an algedonic event arrived on the data plane. True when it is the
  // first copy of its id (deliver it); false for a duplicate (drop it).
  bool on_data_plane(const Event& event);

  std::uint64_t add_callback(AlgedonicCallback callback);
  void remove_callback(std::uint64_t token);
  Status add_peer(const std::string& endpoint);
  Status remove_peer(const std::string& endpoint);
  std::vector<std::string> peers() const;
  // Advertised DISH endpoint ("" when the lane does not receive).
  std::string dish_endpoint() const;

  AlgedonicStats stats() const;
  void count_raised() { raised_.fetch_add(1, std::memory_order_relaxed); }
  void count_too_large() { too_large_.fetch_add(1, std::memory_order_relaxed); }
  void count_data_plane_refused() { dp_refused_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void setup_realtime();
  Status bind_dish();
  bool verify_dish(const std::string& endpoint);
  void post(CommandQueue::Command cmd);
  void run(std::stop_token stop);
  void read_dish();
  void on_datagram(std::string_view bytes);
  bool injected(const Datagram& d, std::string_view bytes);  // fault injection took it
  void release_held();
  void on_alert(AlertDatagram&& alert);
  void send_ack(const std::string& reply, const EventId& id, const AlertDatagram& alert);
  void send_alert(const EventId& id, const std::string& envelope, const std::string& peer,
                  int attempt);
  bool send_datagram(const std::string& endpoint, const char* group, const std::string& bytes);
  zmq::socket_t* radio_for(const std::string& endpoint);
  void run_callbacks(AlgedonicAlert&& alert);
  bool first_sighting(const EventId& id);
  void record_latency(std::chrono::microseconds latency);

  const NodeConfig& config_;
  const DatagramCodec codec_;
  const std::function<void(Event&&)> to_subscribers_;
  ChaosEngine* const chaos_;
  FaultGate gate_;          // lane thread: held datagrams (fault injection)
  bool replaying_ = false;  // lane thread: a held datagram is being handled

  zmq::context_t ctx_;
  zmq::socket_t dish_;
  std::string probe_;  // self-test datagram of bind_dish()
  CommandQueue commands_{"algedonic lane"};
  EventFd wake_fd_;

  // Lane-thread state.
  AlertTracker tracker_;
  std::map<std::string, zmq::socket_t> radios_;  // endpoint -> RADIO (peers and ack targets)
  std::vector<std::string> peer_list_;           // lane thread copy

  mutable std::mutex mu_;  // guards the fields below
  std::vector<std::string> peers_;
  std::string dish_endpoint_;
  std::map<std::uint64_t, std::shared_ptr<AlgedonicCallback>> callbacks_;
  std::uint64_t next_token_ = 1;
  std::vector<std::uint32_t> latencies_us_;  // ring of recent ack latencies
  std::size_t latency_next_ = 0;
  std::uint64_t latency_max_us_ = 0;
  LatencyHistogram confirm_latency_;  // recorded by the lane thread only

  std::mutex dedup_mu_;
  DedupWindow dedup_;

  std::atomic<std::uint64_t> raised_{0}, too_large_{0}, dp_refused_{0}, datagrams_sent_{0},
      send_failures_{0}, received_lane_{0},
      received_dp_{0}, duplicates_{0}, acks_sent_{0}, malformed_{0}, auth_dropped_{0},
      callback_errors_{0};
  bool realtime_ = false;  // SCHED_FIFO permitted (setup_realtime)
  std::atomic<bool> closing_{false};
  std::jthread thread_;
};

}  // namespace vsm::detail
