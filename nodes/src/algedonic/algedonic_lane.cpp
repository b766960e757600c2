#include "algedonic/algedonic_lane.hpp"

#include "core/node_thread.hpp"
#include "vsm/monotonic_clock.hpp"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "algedonic/algedonic_event.hpp"
#include "algedonic/udp_endpoint.hpp"
#include "vsm/codec.hpp"

namespace vsm::detail {
namespace fmt = algedonic_format;
namespace {

constexpr int kDishHwmMsgs = 10'000;
constexpr int kBindAttempts = 8;  // free-port races
constexpr auto kVerifyTimeout = std::chrono::milliseconds(1'000);
constexpr std::size_t kLatencyWindow = 1'024;  // keep in sync with algedonic_lane_run.cpp

RetryPolicy policy_of(const NodeConfig& c) {
  return {c.algedonic_max_retries, c.algedonic_retry_initial_ms, c.algedonic_retry_max_ms,
          c.algedonic_retry_jitter_pct};
}

}  // namespace

AlgedonicLane::AlgedonicLane(const NodeConfig& config, DatagramCodec codec,
                             std::function<void(Event&&)> to_subscribers, ChaosEngine* chaos)
    : config_(config),
      codec_(std::move(codec)),
      to_subscribers_(std::move(to_subscribers)),
      chaos_(chaos),
      gate_(config.chaos.max_held),
      tracker_(policy_of(config), std::random_device{}()),
      dedup_(DedupWindowConfig{config.algedonic_dedup_ids,
                               static_cast<std::uint64_t>(config.algedonic_dedup_max_age_ms)}) {
  latencies_us_.reserve(kLatencyWindow);
}

AlgedonicLane::~AlgedonicLane() { stop(); }

// Probes on a scratch thread whether SCHED_FIFO is permitted before asking libzmq for it
// (libzmq aborts when its I/O thread cannot apply the policy).
void AlgedonicLane::setup_realtime() {
  const int prio = config_.algedonic_realtime_priority;
  if (prio <= 0) return;
  bool ok = false;
  std::thread([&] {
    sched_param p{};
    p.sched_priority = std::min(prio, 99);
    ok = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &p) == 0;
  }).join();
  if (!ok) {
    spdlog::warn("vsm: node {}: algedonic_realtime_priority {} not permitted (needs "
                 "CAP_SYS_NICE); using normal scheduling", config_.name, prio);
    return;
  }
  ctx_.set(zmq::ctxopt::thread_sched_policy, SCHED_FIFO);
  ctx_.set(zmq::ctxopt::thread_priority, std::min(prio, 99));
  realtime_ = true;
}

Status AlgedonicLane::start() {
  if (auto st = wake_fd_.open(); !st) return st;
  setup_realtime();
  if (auto st = bind_dish(); !st) return st;
  for (const auto& p : config_.dish_peers) {
    if (auto st = add_peer(p); !st) return st;
  }
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
  return {};
}

Status AlgedonicLane::bind_dish() {
  if (config_.dish_bind.empty()) return {};
  auto ep = parse_udp_endpoint(config_.dish_bind);
  if (!ep) return ep.error();
  const int attempts = ep->port == 0 ? kBindAttempts : 1;
  for (int i = 0; i < attempts; ++i) {
    UdpEndpoint candidate = *ep;
    if (candidate.port == 0) {
      auto port = probe_free_udp_port(candidate.host);
      if (!port) return port.error();
      candidate.port = *port;
    } else if (auto free = check_udp_port_free(candidate); !free) {
      return free;  // fail fast: libzmq would bind asynchronously and report nothing
    }
    const std::string endpoint = candidate.to_string();
    try {
      dish_ = zmq::socket_t(ctx_, zmq::socket_type::dish);
      dish_.set(zmq::sockopt::rcvhwm, kDishHwmMsgs);
      dish_.set(zmq::sockopt::linger, 0);
      dish_.bind(endpoint);
      dish_.join(fmt::kAlertGroup);
      dish_.join(fmt::kAckGroup);
    } catch (const zmq::error_t& e) {
      dish_.close();
      if (attempts == 1) return Error::io("cannot bind DISH '" + endpoint + "': " + e.what());
      continue;
    }
    // libzmq binds UDP asynchronously and reports no error, so prove it with a datagram.
    if (verify_dish(candidate.host == "0.0.0.0" ? "udp://127.0.0.1:" + std::to_string(candidate.port)
                                                : endpoint)) {
      std::lock_guard lock(mu_);
      dish_endpoint_ = config_.dish_advertise.empty() ? endpoint : config_.dish_advertise;
      return {};
    }
    dish_.close();
  }
  return Error::io("cannot bind a DISH for '" + config_.dish_bind +
                   "' (port in use or UDP unavailable); choose another dish_bind");
}

bool AlgedonicLane::verify_dish(const std::string& endpoint) {
  std::mt19937_64 rng(std::random_device{}());
  probe_ = "VP";
  for (int i = 0; i < 2; ++i) {
    const auto r = rng();
    probe_.append(reinterpret_cast<const char*>(&r), sizeof r);
  }
  zmq::socket_t radio(ctx_, zmq::socket_type::radio);
  radio.set(zmq::sockopt::linger, 0);
  radio.connect(endpoint);
  const auto deadline = std::chrono::steady_clock::now() + kVerifyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    zmq::message_t out(probe_.data(), probe_.size());
    out.set_group(fmt::kAckGroup);
    (void)radio.send(out, zmq::send_flags::dontwait);
    zmq::pollitem_t item{dish_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(20));
    zmq::message_t in;
    while (dish_.recv(in, zmq::recv_flags::dontwait)) {
      if (in.to_string_view() == probe_) return true;
    }
  }
  return false;
}

void AlgedonicLane::close() {
  if (closing_.exchange(true)) return;
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_fd_.signal();
  }
}

void AlgedonicLane::stop() {
  close();
  join_unless_self(thread_);  // an on_algedonic callback may stop the node
}

void AlgedonicLane::post(CommandQueue::Command cmd) {
  if (commands_.post(std::move(cmd))) wake_fd_.signal();
}

std::shared_future<DeliveryReport> AlgedonicLane::raise(EventId id, std::string envelope) {
  auto promise = std::make_shared<std::promise<DeliveryReport>>();
  auto future = promise->get_future().share();
  DeliveryReport closed_report;
  closed_report.id = id;
  closed_report.closed = true;
  const bool posted = commands_.post([this, id, envelope = std::move(envelope),
                                      promise] {
    tracker_.add(id, envelope, peer_list_, std::move(*promise),
                 std::chrono::steady_clock::now());
  });
  if (!posted) {
    promise->set_value(std::move(closed_report));
  } else {
    wake_fd_.signal();
  }
  return future;
}

bool AlgedonicLane::first_sighting(const EventId& id) {
  std::lock_guard lock(dedup_mu_);
  return dedup_.check_and_insert(id, vsm::monotonic_ms());
}

bool AlgedonicLane::on_data_plane(const Event& event) {
  if (!first_sighting(event.id)) {
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  received_dp_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    if (callbacks_.empty()) return true;
  }
  auto alert = parse_algedonic_event(event, AlgedonicPath::kDataPlane);
  if (alert) {
    auto shared = std::make_shared<AlgedonicAlert>(std::move(alert).value());
    post([this, shared] { run_callbacks(std::move(*shared)); });
  }
  return true;
}

std::uint64_t AlgedonicLane::add_callback(AlgedonicCallback callback) {
  std::lock_guard lock(mu_);
  const std::uint64_t token = next_token_++;
  callbacks_.emplace(token, std::make_shared<AlgedonicCallback>(std::move(callback)));
  return token;
}

void AlgedonicLane::remove_callback(std::uint64_t token) {
  std::lock_guard lock(mu_);
  callbacks_.erase(token);
}

Status AlgedonicLane::add_peer(const std::string& endpoint) {
  auto ep = parse_udp_endpoint(endpoint);
  if (!ep) return ep.error();
  if (ep->port == 0) return Error::invalid("algedonic peer '" + endpoint + "' needs a port");
  {
    std::lock_guard lock(mu_);
    if (endpoint == dish_endpoint_) return {};  // never send to ourselves
    if (std::find(peers_.begin(), peers_.end(), endpoint) != peers_.end()) return {};
    peers_.push_back(endpoint);
  }
  if (!thread_.joinable()) {  // before the thread starts, set up directly
    peer_list_.push_back(endpoint);
    return {};
  }
  post([this, endpoint] {
    if (std::find(peer_list_.begin(), peer_list_.end(), endpoint) == peer_list_.end()) {
      peer_list_.push_back(endpoint);
    }
    (void)radio_for(endpoint);
  });
  return {};
}

Status AlgedonicLane::remove_peer(const std::string& endpoint) {
  {
    std::lock_guard lock(mu_);
    auto it = std::find(peers_.begin(), peers_.end(), endpoint);
    if (it == peers_.end()) return Error::not_found("no algedonic peer '" + endpoint + "'");
    peers_.erase(it);
  }
  post([this, endpoint] {
    std::erase(peer_list_, endpoint);
    radios_.erase(endpoint);
  });
  return {};
}

std::vector<std::string> AlgedonicLane::peers() const {
  std::lock_guard lock(mu_);
  return peers_;
}

std::string AlgedonicLane::dish_endpoint() const {
  std::lock_guard lock(mu_);
  return dish_endpoint_;
}

}  // namespace vsm::detail
