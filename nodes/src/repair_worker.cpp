#include "repair_worker.hpp"
#include "vsm/monotonic_clock.hpp"

#include "control_format.hpp"

namespace vsm::detail {
RepairWorker::RepairWorker(Done done, CircuitBreakerConfig breaker)
    : done_(std::move(done)),
      breaker_config_(breaker),
      thread_([this](std::stop_token st) { run(st); }) {}

RepairWorker::~RepairWorker() { stop(); }

void RepairWorker::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    cv_.notify_all();
    thread_.join();
  }
}

void RepairWorker::submit(RepairRequest request, std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{std::move(request), timeout});
  }
  cv_.notify_all();
}

void RepairWorker::set_control_endpoint(const std::string& publisher, const std::string& endpoint) {
  {
    std::lock_guard lock(mu_);
    auto& cur = endpoints_[publisher];
    if (cur == endpoint) return;
    cur = endpoint;
  }
  cv_.notify_all();
}

std::map<std::string, BreakerState> RepairWorker::breaker_states() const {
  std::lock_guard lock(mu_);
  std::map<std::string, BreakerState> out;
  for (const auto& [name, b] : breakers_) out[name] = b.state();
  return out;
}

void RepairWorker::run(std::stop_token stop) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, stop, [&] { return !jobs_.empty(); });
      if (stop.stop_requested()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    done_(job.request, execute(job, stop));
  }
}

// Waits (bounded) for a hello that tells where the publisher's control endpoint is.
std::optional<std::string> RepairWorker::wait_endpoint(const std::string& publisher,
                                                       std::chrono::milliseconds timeout,
                                                       std::stop_token stop) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, stop, timeout, [&] { return endpoints_.count(publisher) > 0; });
  auto it = endpoints_.find(publisher);
  if (it == endpoints_.end()) return std::nullopt;
  return it->second;
}

Result<ReplayBatch> RepairWorker::execute(const Job& job, std::stop_token stop) {
  const auto& req = job.request;
  auto endpoint = wait_endpoint(req.publisher, job.timeout, stop);
  if (!endpoint) {
    return Error::subscriber_unavailable("no control endpoint known for publisher '" +
                                         req.publisher + "' (no hello received)");
  }
  {
    std::lock_guard lock(mu_);
    auto& breaker = breakers_.try_emplace(req.publisher, breaker_config_).first->second;
    if (!breaker.allow(vsm::monotonic_ms())) {
      return Error::subscriber_unavailable("circuit open for publisher '" + req.publisher + "'");
    }
  }
  auto it = clients_.find(req.publisher);
  if (it == clients_.end() || it->second.endpoint() != *endpoint) {
    clients_.erase(req.publisher);
    it = clients_.emplace(req.publisher, ControlClient(*endpoint, job.timeout)).first;
  }
  auto batch = it->second.replay(req.channel, req.from, req.to, control_format::kMaxReplayBatch);
  std::lock_guard lock(mu_);
  auto& breaker = breakers_.at(req.publisher);
  if (batch) {
    breaker.record_success();
  } else {
    breaker.record_failure(vsm::monotonic_ms());
  }
  return batch;
}

}  // namespace vsm::detail
