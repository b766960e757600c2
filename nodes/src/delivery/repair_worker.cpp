#include "delivery/repair_worker.hpp"

#include "control/control_format.hpp"
#include "core/node_thread.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

RepairWorker::RepairWorker(Done done, RepairWorkerConfig config,
                           std::unique_ptr<RepairTransport> transport)
    : done_(std::move(done)), config_(std::move(config)), transport_(std::move(transport)) {}

RepairWorker::~RepairWorker() { stop(); }

void RepairWorker::stop() {
  std::map<std::string, std::unique_ptr<Lane>> lanes;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [name, lane] : lanes_) lane->thread.request_stop();
    lanes.swap(lanes_);
  }
  cv_.notify_all();
  for (auto& [name, lane] : lanes) join_unless_self(lane->thread);
}

void RepairWorker::take_finished(std::vector<std::unique_ptr<Lane>>& out) {
  for (auto it = lanes_.begin(); it != lanes_.end();) {
    if (it->second->finished && it->second->jobs.empty()) {
      out.push_back(std::move(it->second));
      it = lanes_.erase(it);
    } else {
      ++it;
    }
  }
}

void RepairWorker::submit(RepairRequest request, std::chrono::milliseconds timeout) {
  bool overloaded = false;
  std::vector<std::unique_ptr<Lane>> finished;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    take_finished(finished);
    auto it = lanes_.find(request.publisher);
    if (it == lanes_.end() && lanes_.size() >= config_.max_lanes) {
      overloaded = true;
    } else {
      if (it == lanes_.end()) {
        auto lane = std::make_unique<Lane>(config_, std::hash<std::string>{}(request.publisher));
        Lane* raw = lane.get();
        it = lanes_.emplace(request.publisher, std::move(lane)).first;
        raw->thread = std::jthread([this, raw](std::stop_token st) { run(*raw, st); });
      }
      it->second->jobs.push_back(Job{std::move(request), timeout});
    }
  }
  for (auto& lane : finished) lane->thread.join();  // ended by themselves: no wait
  if (overloaded) {
    done_(request, Error::subscriber_unavailable("repair lanes exhausted (" +
                                                 std::to_string(config_.max_lanes) +
                                                 " publishers under repair; repair_max_lanes)"));
    return;
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

void RepairWorker::forget_endpoint(const std::string& publisher) {
  std::lock_guard lock(mu_);
  endpoints_.erase(publisher);
}

std::map<std::string, BreakerState> RepairWorker::breaker_states() const {
  std::lock_guard lock(mu_);
  std::map<std::string, BreakerState> out;
  for (const auto& [name, lane] : lanes_) out[name] = lane->breaker.state();
  return out;
}

std::size_t RepairWorker::lanes() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [name, lane] : lanes_) n += lane->finished ? 0 : 1;
  return n;
}

void RepairWorker::run(Lane& lane, std::stop_token stop) {
  set_thread_name("vsm-repair");
  const auto idle = std::chrono::milliseconds(config_.lane_idle_ms);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, stop, idle, [&] { return !lane.jobs.empty(); })) {
        if (!stop.stop_requested()) lane.finished = true;  // reaped by the next submit()
        return;
      }
      job = std::move(lane.jobs.front());
      lane.jobs.pop_front();
    }
    if (job.request.attempt > 0) {
      // A retry: back off (interruptibly) so a struggling publisher is not hammered.
      const auto delay = std::chrono::milliseconds(lane.backoff.next_delay_ms());
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, stop, delay, [] { return false; });
      if (stop.stop_requested()) return;
    } else {
      lane.backoff.reset();
    }
    done_(job.request, execute(lane, job, stop));
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

Result<ReplayBatch> RepairWorker::execute(Lane& lane, const Job& job, std::stop_token stop) {
  const auto& req = job.request;
  auto endpoint = wait_endpoint(req.publisher, job.timeout, stop);
  if (!endpoint) {
    return Error::subscriber_unavailable("no control endpoint known for publisher '" +
                                         req.publisher + "' (no hello received)");
  }
  if (endpoint->empty()) {
    return Error::subscriber_unavailable("publisher '" + req.publisher +
                                         "' has no control endpoint (control_bind is empty)");
  }
  {
    std::lock_guard lock(mu_);
    if (!lane.breaker.allow(vsm::monotonic_ms())) {
      return Error::subscriber_unavailable("circuit open for publisher '" + req.publisher + "'");
    }
  }
  if (!lane.connection || lane.connected_to != *endpoint) {
    lane.connection = transport_->connect(*endpoint, job.timeout);
    lane.connected_to = *endpoint;
  }
  auto batch = req.start_time_ms != 0
                   ? lane.connection->first_at(req.publisher, req.channel, req.start_time_ms)
                   : lane.connection->replay(req.channel, req.from, req.to,
                                             control_format::kMaxReplayBatch);
  std::lock_guard lock(mu_);
  if (batch) {
    lane.breaker.record_success();
  } else {
    lane.breaker.record_failure(vsm::monotonic_ms());
  }
  return batch;
}

}  // namespace vsm::detail
