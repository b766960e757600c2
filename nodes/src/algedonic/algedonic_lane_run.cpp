// The lane thread of AlgedonicLane: poll the DISH and the wake fd, run posted commands,
// send due alerts and retries, read alerts and acks. Nothing here touches the data plane.
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "algedonic/algedonic_event.hpp"
#include "algedonic/algedonic_lane.hpp"
#include "core/node_thread.hpp"
#include "algedonic/udp_endpoint.hpp"
#include "vsm/codec.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
namespace fmt = algedonic_format;
namespace {
constexpr int kDscpExpeditedForwarding = 0xb8;  // DSCP 46 (EF) << 2, for ZMQ_TOS
constexpr int kRadioHwmMsgs = 1'000;
constexpr std::size_t kMaxRadios = 1'024;  // peers + ack targets
constexpr int kMaxReadsPerTurn = 256;
constexpr auto kIdlePoll = std::chrono::milliseconds(100);
constexpr std::size_t kLatencyWindow = 1'024;
}  // namespace

void AlgedonicLane::run(std::stop_token stop) {
  set_thread_name("vsm-algedonic");
  const auto send = [this](const EventId& id, const std::string& env, const std::string& peer,
                           int attempt) { send_alert(id, env, peer, attempt); };
  if (realtime_) {
    sched_param p{};
    p.sched_priority = std::min(config_.algedonic_realtime_priority, 99);
    (void)::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &p);
  }
  while (!stop.stop_requested()) {
    auto timeout = kIdlePoll;
    if (auto next = tracker_.next_deadline()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*next -
                                                               std::chrono::steady_clock::now());
      timeout = std::clamp(left, std::chrono::milliseconds(0), kIdlePoll);
    }
    if (auto due = gate_.next_due_ms()) {
      const auto now = monotonic_ms();
      timeout = std::min(timeout, std::chrono::milliseconds(*due > now ? *due - now : 0));
    }
    zmq::pollitem_t items[] = {{nullptr, wake_fd_.fd(), ZMQ_POLLIN, 0},
                               {dish_.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, dish_ ? 2 : 1, timeout);
      if (items[0].revents & ZMQ_POLLIN) wake_fd_.drain();
      commands_.run_all();
      tracker_.advance(std::chrono::steady_clock::now(), send);
      if (dish_) read_dish();
      release_held();
      tracker_.advance(std::chrono::steady_clock::now(), send);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::error("vsm: node {} algedonic lane: {}", config_.name, e.what());
    }
  }
  commands_.run_all(/*close=*/true);
  tracker_.close();
  radios_.clear();
  dish_.close();
  ctx_.close();
}

void AlgedonicLane::read_dish() {
  zmq::message_t msg;
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (!dish_.recv(msg, zmq::recv_flags::dontwait)) return;
    on_datagram(msg.to_string_view());
  }
}

void AlgedonicLane::on_datagram(std::string_view bytes) {
  if (bytes == probe_) return;  // a late copy of our own bind self-test
  auto d = codec_.decode(bytes);
  if (!d) {
    auto& counter = d.error().code() == ErrorCode::kCorruption ? auth_dropped_ : malformed_;
    counter.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("vsm: node {} dropped an algedonic datagram: {}", config_.name,
                  d.error().to_string());
    return;
  }
  if (injected(d.value(), bytes)) return;
  if (auto* ack = std::get_if<AckDatagram>(&d.value())) {
    if (auto latency = tracker_.on_ack(ack->id, ack->to, ack->from,
                                       std::chrono::steady_clock::now())) {
      record_latency(*latency);
    }
    return;
  }
  on_alert(std::get<AlertDatagram>(std::move(d).value()));
}

// Fault injection, by the sending node's name: a held datagram comes back through
// on_datagram() (replaying_ set, so it is not judged twice).
bool AlgedonicLane::injected(const Datagram& d, std::string_view bytes) {
  if (chaos_ == nullptr || replaying_ || !chaos_->active()) return false;
  const std::string& peer = std::visit([](const auto& x) -> const std::string& { return x.from; }, d);
  const std::uint64_t now = monotonic_ms();
  const FaultVerdict v = chaos_->decide(ChaosPlane::kAlgedonic, peer, Channel::kAlgedonic, now);
  if (v.action == FaultAction::kPass) return false;
  replaying_ = true;
  gate_.apply(v, now, {}, bytes, [this](std::string_view, std::string_view b) { on_datagram(b); });
  replaying_ = false;
  return true;
}

void AlgedonicLane::release_held() {
  if (gate_.held() == 0) return;
  replaying_ = true;
  gate_.release_due(monotonic_ms(), [this](std::string_view, std::string_view b) { on_datagram(b); });
  replaying_ = false;
}

void AlgedonicLane::on_alert(AlertDatagram&& alert) {
  auto event = decode_event(alert.envelope, config_.limits);
  if (!event || event->channel != Channel::kAlgedonic) {
    malformed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Every copy is acknowledged (the sender may not have seen an earlier ack); only the
  // first copy of an id is delivered.
  if (!alert.reply.empty()) send_ack(alert.reply, event->id, alert);
  if (!first_sighting(event->id)) {
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  received_lane_.fetch_add(1, std::memory_order_relaxed);
  auto parsed = parse_algedonic_event(event.value(), AlgedonicPath::kLane);
  if (parsed) run_callbacks(std::move(parsed).value());
  if (to_subscribers_) to_subscribers_(std::move(event).value());
}

void AlgedonicLane::send_ack(const std::string& reply, const EventId& id,
                             const AlertDatagram& alert) {
  auto bytes = codec_.encode(AckDatagram{config_.name, id, alert.to, alert.attempt});
  if (!bytes) return;
  if (send_datagram(reply, fmt::kAckGroup, *bytes)) acks_sent_.fetch_add(1, std::memory_order_relaxed);
}

void AlgedonicLane::send_alert(const EventId& /*id*/, const std::string& envelope,
                               const std::string& peer, int attempt) {
  std::string reply;
  {
    std::lock_guard lock(mu_);
    reply = dish_endpoint_;
  }
  auto bytes = codec_.encode(
      AlertDatagram{config_.name, std::move(reply), peer, static_cast<std::uint32_t>(attempt), envelope});
  if (!bytes) {
    send_failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (send_datagram(peer, fmt::kAlertGroup, *bytes)) {
    datagrams_sent_.fetch_add(1, std::memory_order_relaxed);
  }
}

bool AlgedonicLane::send_datagram(const std::string& endpoint, const char* group,
                                  const std::string& bytes) {
  zmq::socket_t* radio = radio_for(endpoint);
  if (radio == nullptr) {
    send_failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  zmq::message_t msg(bytes.data(), bytes.size());
  msg.set_group(group);
  if (!radio->send(msg, zmq::send_flags::dontwait)) {
    send_failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

zmq::socket_t* AlgedonicLane::radio_for(const std::string& endpoint) {
  if (auto it = radios_.find(endpoint); it != radios_.end()) return &it->second;
  auto ep = parse_udp_endpoint(endpoint);
  if (!ep || ep->port == 0) return nullptr;  // untrusted reply address: ignore
  if (radios_.size() >= kMaxRadios) {  // forget an ack target, never a configured peer
    for (auto it = radios_.begin(); it != radios_.end(); ++it) {
      if (std::find(peer_list_.begin(), peer_list_.end(), it->first) == peer_list_.end()) {
        radios_.erase(it);
        break;
      }
    }
  }
  try {
    zmq::socket_t radio(ctx_, zmq::socket_type::radio);
    radio.set(zmq::sockopt::linger, 0);
    radio.set(zmq::sockopt::sndhwm, kRadioHwmMsgs);
    // Expedited forwarding. NOTE: libzmq 4.3.4's UDP engine does not apply ZMQ_TOS to
    // its socket yet; set anyway so newer libzmq versions mark the packets.
    radio.set(zmq::sockopt::tos, kDscpExpeditedForwarding);
    radio.connect(endpoint);
    return &radios_.emplace(endpoint, std::move(radio)).first->second;
  } catch (const zmq::error_t& e) {
    spdlog::debug("vsm: node {} cannot connect RADIO to '{}': {}", config_.name, endpoint, e.what());
    return nullptr;
  }
}

void AlgedonicLane::run_callbacks(AlgedonicAlert&& alert) {
  std::vector<std::shared_ptr<AlgedonicCallback>> snapshot;
  {
    std::lock_guard lock(mu_);
    for (const auto& [token, cb] : callbacks_) snapshot.push_back(cb);
  }
  for (const auto& cb : snapshot) {
    try {
      (*cb)(alert);
    } catch (const std::exception& e) {
      callback_errors_.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("vsm: on_algedonic callback threw: {}", e.what());
    } catch (...) {
      callback_errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void AlgedonicLane::record_latency(std::chrono::microseconds latency) {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count()));
  confirm_latency_.record_unsynchronized(latency.count());
  std::lock_guard lock(mu_);
  const auto v = static_cast<std::uint32_t>(std::min<std::uint64_t>(us, UINT32_MAX));
  if (latencies_us_.size() < kLatencyWindow) {
    latencies_us_.push_back(v);
  } else {
    latencies_us_[latency_next_] = v;
  }
  latency_next_ = (latency_next_ + 1) % kLatencyWindow;
  latency_max_us_ = std::max(latency_max_us_, us);
}

AlgedonicStats AlgedonicLane::stats() const {
  AlgedonicStats s;
  auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  s.raised = get(raised_);
  s.rejected_too_large = get(too_large_);
  s.datagrams_sent = get(datagrams_sent_);
  s.retries = tracker_.retries();
  s.send_failures = get(send_failures_);
  s.confirmed = tracker_.confirmed();
  s.unconfirmed = tracker_.unconfirmed();
  const auto settled = s.confirmed + s.unconfirmed;
  s.confirmation_rate = settled ? static_cast<double>(s.confirmed) / static_cast<double>(settled) : 0.0;
  s.received_lane = get(received_lane_);
  s.received_data_plane = get(received_dp_);
  s.duplicates = get(duplicates_);
  s.acks_sent = get(acks_sent_);
  s.malformed_dropped = get(malformed_);
  s.auth_dropped = get(auth_dropped_);
  s.callback_errors = get(callback_errors_);
  s.data_plane_refused = get(dp_refused_);
  s.confirm_latency = confirm_latency_.snapshot();
  std::vector<std::uint32_t> lat;
  {
    std::lock_guard lock(mu_);
    lat = latencies_us_;
    s.latency_max_us = latency_max_us_;
  }
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto at = [&](double q) {
      auto i = static_cast<std::size_t>(q * static_cast<double>(lat.size() - 1) + 0.5);
      return static_cast<std::uint64_t>(lat[std::min(i, lat.size() - 1)]);
    };
    s.latency_p50_us = at(0.50);
    s.latency_p99_us = at(0.99);
  }
  return s;
}

}  // namespace vsm::detail
