// The node's telemetry (vsm/telemetry.hpp, docs/OPERATIONS.md). Components report from any
// thread without blocking: a report is admitted under the rate limit (a token bucket of
// telemetry_max_per_s, telemetry_burst) into a bounded queue, or dropped and counted.
// The telemetry thread ("vsm-telemetry") numbers admitted reports, publishes them on the
// data plane (`~vsm/tel/<node>/<kind>`), keeps the last kRecent, and runs the kLocal
// callbacks; it decodes other nodes' reports (handed over by the reactor into a bounded
// queue) for the kRemote callbacks; and every telemetry_interval_ms it samples the node's
// stats for the periodic reports and rates (stats_sampler.hpp) and follows raised alerts
// to their delivery reports (alert_watch.hpp).
// Thread-safety: report(), track_alert(), note_alert(), on_remote_frame() and the readers
// from any thread; start()/close()/stop() from the node's owner. Its mutexes are leaves:
// nothing is called out (publishing, callbacks, sampling) while one is held.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "telemetry/alert_watch.hpp"
#include "telemetry/stats_sampler.hpp"
#include "vsm/node_config.hpp"
#include "vsm/telemetry.hpp"
#include "vsm/token_bucket.hpp"

namespace vsm::detail {

struct TelemetryWiring {
  // Sends one telemetry frame (topic, body) on the node's XPUB; must not block.
  std::function<bool(std::string_view topic, std::string_view body)> publish;
  // A snapshot of the node's stats (for the periodic reports and rates).
  std::function<NodeStats()> stats;
  // (Un)subscribes the node's receive socket to other nodes' telemetry.
  std::function<void(bool on)> subscribe_remote;
};

class TelemetryHub {
 public:
  static constexpr std::size_t kQueueCapacity = 1'024;   // admitted reports waiting
  static constexpr std::size_t kRemoteCapacity = 1'024;  // other nodes' frames waiting
  static constexpr std::size_t kRemoteBytes = 4u << 20;
  static constexpr std::size_t kRecent = 32;
  static constexpr std::uint64_t kAlertPollMs = 20;  // while delivery reports are pending

  explicit TelemetryHub(const NodeConfig& config);
  ~TelemetryHub();
  TelemetryHub(const TelemetryHub&) = delete;
  TelemetryHub& operator=(const TelemetryHub&) = delete;

  void start(TelemetryWiring wiring);
  // Stops admitting reports; the thread ends its turn. Non-blocking, idempotent.
  void close();
  // close() and join (unless called on the telemetry thread). Idempotent.
  void stop();

  // Any thread, never blocks. node, seq and wall_ms are filled in when published.
  void report(TelemetryEvent event);
  // An alert this node raised: reported now, and again when its delivery report resolves.
  void track_alert(const AlgedonicReceipt& receipt, Severity severity, Signal signal,
                   const std::string& description);
  // An alert this node raised or received, for recent_alerts().
  void note_alert(AlertSummary alert) { alerts_.note_alert(std::move(alert)); }
  // Reactor thread: a frame on a telemetry topic from another node (copied, bounded).
  void on_remote_frame(std::string_view frame);

  std::uint64_t add_callback(TelemetryCallback callback, TelemetryOrigin origin);
  void remove_callback(std::uint64_t token);

  std::vector<TelemetryEvent> recent() const;  // this node's last reports, newest last
  std::vector<AlertSummary> recent_alerts() const { return alerts_.recent(); }
  TelemetryStats stats() const;
  std::array<ChannelRates, kChannelCount> rates() const;
  // Peer deliveries of raised alerts given up within health_alert_window_ms.
  std::uint64_t recent_unconfirmed() const;

 private:
  struct Callback {
    TelemetryOrigin origin;
    std::shared_ptr<TelemetryCallback> fn;
  };
  void run(std::stop_token stop);
  // Subscribes the receive socket to other nodes' telemetry while started and a kRemote
  // callback exists, and unsubscribes it otherwise (serialised by sub_mu_).
  void sync_remote_subscription();
  void tick(double interval_s);
  void publish_one(TelemetryEvent& event);
  void deliver_remote(const std::string& frame);
  void run_callbacks(const TelemetryEvent& event, TelemetryOrigin origin);

  const NodeConfig& config_;
  TelemetryWiring wiring_;

  mutable std::mutex mu_;  // guards the queues, the limiter, closed_
  std::condition_variable cv_;
  TokenBucket limiter_;
  std::deque<TelemetryEvent> queue_;
  std::deque<std::string> remote_;
  std::size_t remote_bytes_ = 0;
  std::vector<std::shared_future<DeliveryReport>> pending_alerts_;  // to follow
  bool closed_ = false;

  mutable std::mutex cb_mu_;  // guards callbacks_, next_token_
  std::map<std::uint64_t, Callback> callbacks_;
  std::uint64_t next_token_ = 1;
  std::atomic<std::size_t> remote_callbacks_{0};
  std::atomic<bool> started_{false};
  // Guards subscribed_ and the write of wiring_ in start(); taken before the reactor's
  // command queue lock (subscribe_remote posts to the reactor).
  std::mutex sub_mu_;
  bool subscribed_ = false;

  mutable std::mutex out_mu_;  // guards recent_, rates_
  std::deque<TelemetryEvent> recent_;
  std::array<ChannelRates, kChannelCount> rates_{};

  // Telemetry thread only.
  StatsSampler sampler_;
  AlertWatch alerts_;
  std::uint64_t seq_ = 0;

  std::atomic<std::uint64_t> published_{0}, suppressed_{0}, remote_received_{0}, remote_dropped_{0},
      decode_errors_{0}, callback_errors_{0};
  std::jthread thread_;
};

}  // namespace vsm::detail
