// Executes gap-repair requests of Reliable subscriptions. Each publisher gets its own
// lane: a thread ("vsm-repair") with its own connection (delivery/repair_transport.hpp),
// circuit breaker and backoff, so a slow or dead publisher never stalls the reactor or
// other publishers' repairs. A retried request (attempt > 0) waits an exponential
// backoff with full jitter first; after repeated failures the breaker opens and
// requests fail fast until the recovery timeout passes. Every request has a deadline.
// Lanes are bounded (max_lanes; requests beyond fail fast) and a lane idle for
// lane_idle_ms ends its thread and is reaped (joined) by the next submit() or stop().
// Thread-safety: all public methods thread-safe; `done` runs on a lane thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "delivery/reliable_tracker.hpp"
#include "delivery/repair_transport.hpp"
#include "vsm/backoff.hpp"
#include "vsm/circuit_breaker.hpp"

namespace vsm::detail {

struct RepairWorkerConfig {
  CircuitBreakerConfig breaker;
  BackoffConfig backoff{.initial_delay_ms = 50, .max_delay_ms = 2'000, .multiplier = 2.0};
  std::size_t max_lanes = 32;         // publishers under repair at once
  std::uint64_t lane_idle_ms = 30'000;  // a lane without work this long ends
};

class RepairWorker {
 public:
  using Done = std::function<void(const RepairRequest&, Result<ReplayBatch>)>;

  RepairWorker(Done done, RepairWorkerConfig config, std::unique_ptr<RepairTransport> transport);
  ~RepairWorker();
  RepairWorker(const RepairWorker&) = delete;
  RepairWorker& operator=(const RepairWorker&) = delete;

  void submit(RepairRequest request, std::chrono::milliseconds timeout);
  // Where `publisher` serves replay (learned from hello announcements).
  void set_control_endpoint(const std::string& publisher, const std::string& endpoint);
  // Forgets `publisher`'s endpoint (its hello state was evicted); requests for it wait
  // for the next hello.
  void forget_endpoint(const std::string& publisher);
  // Breaker state per publisher with a lane, for stats.
  std::map<std::string, BreakerState> breaker_states() const;
  // Lanes whose thread is running (idle ones end after lane_idle_ms).
  std::size_t lanes() const;
  void stop();  // idempotent; pending requests are dropped

 private:
  struct Job {
    RepairRequest request;
    std::chrono::milliseconds timeout;
  };
  struct Lane {
    Lane(const RepairWorkerConfig& c, std::uint64_t seed) : breaker(c.breaker), backoff(c.backoff, seed) {}
    std::deque<Job> jobs;          // guarded by mu_
    CircuitBreaker breaker;        // guarded by mu_
    bool finished = false;         // guarded by mu_: the thread ended (idle), join it
    ExponentialBackoff backoff;    // lane thread only
    std::unique_ptr<RepairConnection> connection;  // lane thread only
    std::string connected_to;                      // lane thread only
    std::jthread thread;
  };
  void run(Lane& lane, std::stop_token stop);
  Result<ReplayBatch> execute(Lane& lane, const Job& job, std::stop_token stop);
  std::optional<std::string> wait_endpoint(const std::string& publisher,
                                           std::chrono::milliseconds timeout, std::stop_token stop);
  // Holding mu_: moves the lanes whose thread ended into `out` (joined by the caller).
  void take_finished(std::vector<std::unique_ptr<Lane>>& out);

  Done done_;
  const RepairWorkerConfig config_;
  const std::unique_ptr<RepairTransport> transport_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, std::string> endpoints_;       // guarded by mu_ (bounded by the caller)
  std::map<std::string, std::unique_ptr<Lane>> lanes_;  // guarded by mu_
  bool stopped_ = false;                                // guarded by mu_
};

}  // namespace vsm::detail
