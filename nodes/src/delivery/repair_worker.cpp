#include "delivery/repair_worker.hpp"

#include "control/control_format.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
namespace {
// A start-time request: the publisher's first event on the channel at/after the time.
Result<ReplayBatch> first_at(ControlClient& client, const RepairRequest& req) {
  persist::LogQuery q;
  q.publisher = req.publisher;
  q.channel = req.channel;
  q.from_wall_ms = req.start_time_ms;
  q.limit = 1;
  auto page = client.query(q);
  if (!page) return std::move(page).error();
  ReplayBatch batch;
  batch.decode_errors = page->decode_errors;
  for (auto& e : page->entries) batch.events.push_back(std::move(e.event));
  return batch;
}
}  // namespace

RepairWorker::RepairWorker(Done done, RepairWorkerConfig config)
    : done_(std::move(done)), config_(std::move(config)) {}

RepairWorker::~RepairWorker() { stop(); }

void RepairWorker::stop() {
  std::map<std::string, std::unique_ptr<Lane>> lanes;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [name, lane] : lanes_) lane->thread.request_stop();
  }
  cv_.notify_all();
  {
    std::lock_guard lock(mu_);
    lanes.swap(lanes_);
  }
  for (auto& [name, lane] : lanes) {
    if (lane->thread.joinable()) lane->thread.join();
  }
}

void RepairWorker::submit(RepairRequest request, std::chrono::milliseconds timeout) {
  bool overloaded = false;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto it = lanes_.find(request.publisher);
    if (it == lanes_.end() && lanes_.size() >= config_.max_publishers) {
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
  if (overloaded) {
    done_(request, Error::subscriber_unavailable("repair lanes exhausted (" +
                                                 std::to_string(config_.max_publishers) +
                                                 " publishers under repair)"));
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

std::map<std::string, BreakerState> RepairWorker::breaker_states() const {
  std::lock_guard lock(mu_);
  std::map<std::string, BreakerState> out;
  for (const auto& [name, lane] : lanes_) out[name] = lane->breaker.state();
  return out;
}

void RepairWorker::run(Lane& lane, std::stop_token stop) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, stop, [&] { return !lane.jobs.empty(); });
      if (stop.stop_requested()) return;
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
  if (!lane.client || lane.client->endpoint() != *endpoint) lane.client.emplace(*endpoint, job.timeout);
  auto batch = req.start_time_ms != 0
                   ? first_at(*lane.client, req)
                   : lane.client->replay(req.channel, req.from, req.to,
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
