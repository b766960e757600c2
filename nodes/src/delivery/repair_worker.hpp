// Executes gap-repair requests of Reliable subscriptions. Each publisher gets its own
// lane (a thread with its own control-plane client, circuit breaker and backoff), so a
// slow or dead publisher never stalls the reactor or other publishers' repairs. A
// retried request (attempt > 0) waits an exponential backoff with full jitter first;
// after repeated failures the breaker opens and requests fail fast until the recovery
// timeout passes. Every request has a deadline.
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

#include "delivery/reliable_tracker.hpp"
#include "vsm/backoff.hpp"
#include "vsm/circuit_breaker.hpp"
#include "vsm/control_client.hpp"

namespace vsm::detail {

struct RepairWorkerConfig {
  CircuitBreakerConfig breaker;
  BackoffConfig backoff{.initial_delay_ms = 50, .max_delay_ms = 2'000, .multiplier = 2.0};
  std::size_t max_publishers = 256;  // lanes; requests for more publishers fail fast
};

class RepairWorker {
 public:
  using Done = std::function<void(const RepairRequest&, Result<ReplayBatch>)>;

  RepairWorker(Done done, RepairWorkerConfig config);
  ~RepairWorker();
  RepairWorker(const RepairWorker&) = delete;
  RepairWorker& operator=(const RepairWorker&) = delete;

  void submit(RepairRequest request, std::chrono::milliseconds timeout);
  // Where `publisher` serves replay (learned from hello announcements).
  void set_control_endpoint(const std::string& publisher, const std::string& endpoint);
  // Breaker state per publisher, for stats.
  std::map<std::string, BreakerState> breaker_states() const;
  void stop();  // idempotent; pending requests are dropped

 private:
  struct Job {
    RepairRequest request;
    std::chrono::milliseconds timeout;
  };
  struct Lane {
    explicit Lane(const RepairWorkerConfig& c, std::uint64_t seed)
        : breaker(c.breaker), backoff(c.backoff, seed) {}
    std::deque<Job> jobs;          // guarded by mu_
    CircuitBreaker breaker;        // guarded by mu_
    ExponentialBackoff backoff;    // lane thread only
    std::optional<ControlClient> client;  // lane thread only
    std::jthread thread;
  };
  void run(Lane& lane, std::stop_token stop);
  Result<ReplayBatch> execute(Lane& lane, const Job& job, std::stop_token stop);
  std::optional<std::string> wait_endpoint(const std::string& publisher,
                                           std::chrono::milliseconds timeout, std::stop_token stop);

  Done done_;
  const RepairWorkerConfig config_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, std::string> endpoints_;       // guarded by mu_
  std::map<std::string, std::unique_ptr<Lane>> lanes_;  // guarded by mu_
  bool stopped_ = false;                                // guarded by mu_
};

}  // namespace vsm::detail
