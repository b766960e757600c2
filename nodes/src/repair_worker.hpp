// Executes gap-repair requests of Reliable subscriptions on its own thread, so a slow
// or dead publisher never stalls the reactor or other publishers' repairs for longer
// than one request deadline. Each publisher has a circuit breaker: after repeated
// failures its requests fail fast until the recovery timeout passes.
// Thread-safety: all public methods thread-safe; `done` runs on the worker thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "reliable_tracker.hpp"
#include "vsm/circuit_breaker.hpp"
#include "vsm/control_client.hpp"

namespace vsm::detail {

class RepairWorker {
 public:
  using Done = std::function<void(const RepairRequest&, Result<ReplayBatch>)>;

  RepairWorker(Done done, CircuitBreakerConfig breaker);
  ~RepairWorker();
  RepairWorker(const RepairWorker&) = delete;
  RepairWorker& operator=(const RepairWorker&) = delete;

  void submit(RepairRequest request, std::chrono::milliseconds timeout);
  // Where `publisher` serves replay (learned from hello announcements or gossip).
  void set_control_endpoint(const std::string& publisher, const std::string& endpoint);
  // Breaker state per publisher, for stats.
  std::map<std::string, BreakerState> breaker_states() const;
  void stop();  // idempotent; pending requests are dropped

 private:
  struct Job {
    RepairRequest request;
    std::chrono::milliseconds timeout;
  };
  void run(std::stop_token stop);
  Result<ReplayBatch> execute(const Job& job, std::stop_token stop);
  std::optional<std::string> wait_endpoint(const std::string& publisher,
                                           std::chrono::milliseconds timeout, std::stop_token stop);

  Done done_;
  const CircuitBreakerConfig breaker_config_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Job> jobs_;
  std::map<std::string, std::string> endpoints_;
  std::map<std::string, CircuitBreaker> breakers_;
  std::map<std::string, ControlClient> clients_;  // worker thread only
  std::jthread thread_;
};

}  // namespace vsm::detail
