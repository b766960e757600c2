#include "telemetry/telemetry_hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/node_thread.hpp"
#include "telemetry/telemetry_codec.hpp"
#include "telemetry/telemetry_format.hpp"
#include "telemetry/telemetry_reports.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
namespace {

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

TokenBucketConfig limiter_config(const NodeConfig& c) {
  return {std::max(c.telemetry_max_per_s, 0.001),
          std::max(1.0, static_cast<double>(c.telemetry_burst))};
}

}  // namespace

TelemetryHub::TelemetryHub(const NodeConfig& config)
    : config_(config), limiter_(limiter_config(config), monotonic_ms()), sampler_(config) {}

TelemetryHub::~TelemetryHub() { stop(); }

void TelemetryHub::start(TelemetryWiring wiring) {
  {
    std::lock_guard lock(sub_mu_);  // sync_remote_subscription() reads it from any thread
    wiring_ = std::move(wiring);
  }
  started_.store(true);
  sync_remote_subscription();
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void TelemetryHub::sync_remote_subscription() {
  std::lock_guard lock(sub_mu_);
  const bool want = started_.load() && remote_callbacks_.load() > 0;
  if (want == subscribed_ || !wiring_.subscribe_remote) return;
  wiring_.subscribe_remote(want);
  subscribed_ = want;
}

void TelemetryHub::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  thread_.request_stop();
  cv_.notify_all();
}

void TelemetryHub::stop() {
  close();
  join_unless_self(thread_);
}

void TelemetryHub::report(TelemetryEvent event) {
  if (!config_.telemetry_enabled) return;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (queue_.size() >= kQueueCapacity || !limiter_.try_acquire(monotonic_ms())) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(event));
  }
  cv_.notify_one();
}

void TelemetryHub::track_alert(const AlgedonicReceipt& receipt, Severity severity, Signal signal,
                               const std::string& description) {
  report(alert_raised_report(receipt, severity, signal, description));
  {
    std::lock_guard lock(mu_);  // followed on the telemetry thread (alert_watch.hpp)
    if (closed_ || !config_.telemetry_enabled) return;
    pending_alerts_.push_back(receipt.report);
  }
  cv_.notify_one();
}

void TelemetryHub::on_remote_frame(std::string_view frame) {
  if (remote_callbacks_.load(std::memory_order_relaxed) == 0) return;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (remote_.size() >= kRemoteCapacity || remote_bytes_ + frame.size() > kRemoteBytes) {
      remote_dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    remote_bytes_ += frame.size();
    remote_.emplace_back(frame);
  }
  cv_.notify_one();
}

std::uint64_t TelemetryHub::add_callback(TelemetryCallback callback, TelemetryOrigin origin) {
  if (!callback) return 0;
  std::uint64_t token = 0;
  {
    std::lock_guard lock(cb_mu_);
    token = next_token_++;
    callbacks_.emplace(token,
                       Callback{origin, std::make_shared<TelemetryCallback>(std::move(callback))});
  }
  if (origin == TelemetryOrigin::kRemote) {
    remote_callbacks_.fetch_add(1);
    sync_remote_subscription();
  }
  return token;
}

void TelemetryHub::remove_callback(std::uint64_t token) {
  std::optional<TelemetryOrigin> origin;
  {
    std::lock_guard lock(cb_mu_);
    if (auto it = callbacks_.find(token); it != callbacks_.end()) {
      origin = it->second.origin;
      callbacks_.erase(it);
    }
  }
  if (origin == TelemetryOrigin::kRemote) {
    remote_callbacks_.fetch_sub(1);
    sync_remote_subscription();
  }
}

void TelemetryHub::run(std::stop_token stop) {
  set_thread_name("vsm-telemetry");
  const auto interval =
      std::chrono::milliseconds(std::max<std::uint64_t>(1, config_.telemetry_interval_ms));
  auto last_tick = std::chrono::steady_clock::now();
  auto next_tick = last_tick + interval;
  std::deque<TelemetryEvent> local;
  std::deque<std::string> remote;
  std::vector<std::shared_future<DeliveryReport>> alerts;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu_);
      auto wake = next_tick;
      if (alerts_.pending() || !pending_alerts_.empty()) {
        wake = std::min(wake,
                        std::chrono::steady_clock::now() + std::chrono::milliseconds(kAlertPollMs));
      }
      // closed_ is set under mu_ (close()), so the wake-up cannot be missed.
      cv_.wait_until(lock, wake, [&] {
        return closed_ || !queue_.empty() || !remote_.empty() || !pending_alerts_.empty();
      });
      if (closed_) break;
      local.swap(queue_);
      remote.swap(remote_);
      remote_bytes_ = 0;
      alerts.swap(pending_alerts_);
    }
    for (auto& a : alerts) {
      if (!alerts_.add(std::move(a))) suppressed_.fetch_add(1, std::memory_order_relaxed);
    }
    alerts.clear();
    std::vector<TelemetryEvent> settled;
    alerts_.poll(unix_ms(), settled);
    for (auto& t : settled) report(std::move(t));
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_tick) {
      tick(std::chrono::duration<double>(now - last_tick).count());
      last_tick = now;
      next_tick = std::max(next_tick + interval, now);
    }
    for (auto& e : local) publish_one(e);
    for (const auto& f : remote) deliver_remote(f);
    local.clear();
    remote.clear();
  }
}

// The periodic reports go through report() like any other: the rate limit covers them.
void TelemetryHub::tick(double interval_s) {
  if (!wiring_.stats) return;
  std::vector<TelemetryEvent> out;
  sampler_.sample(wiring_.stats(), interval_s, out);
  {
    std::lock_guard lock(out_mu_);
    rates_ = sampler_.rates();
  }
  for (auto& t : out) report(std::move(t));
}

void TelemetryHub::publish_one(TelemetryEvent& e) {
  e.node = config_.name;
  e.seq = ++seq_;
  e.wall_ms = unix_ms();
  std::string body;
  encode_telemetry(e, body);
  if (wiring_.publish) (void)wiring_.publish(telemetry_topic(e.node, e.kind), body);
  published_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(out_mu_);
    recent_.push_back(e);
    if (recent_.size() > kRecent) recent_.pop_front();
  }
  run_callbacks(e, TelemetryOrigin::kLocal);
}

void TelemetryHub::deliver_remote(const std::string& frame) {
  auto e = decode_telemetry_frame(frame);
  if (!e) {
    decode_errors_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (e->node == config_.name) return;  // our own, heard back through a peer
  remote_received_.fetch_add(1, std::memory_order_relaxed);
  run_callbacks(*e, TelemetryOrigin::kRemote);
}

void TelemetryHub::run_callbacks(const TelemetryEvent& e, TelemetryOrigin origin) {
  std::vector<std::shared_ptr<TelemetryCallback>> snapshot;
  {
    std::lock_guard lock(cb_mu_);
    for (const auto& [token, cb] : callbacks_) {
      if (cb.origin == origin) snapshot.push_back(cb.fn);
    }
  }
  for (const auto& cb : snapshot) {
    try {
      (*cb)(e);
    } catch (const std::exception& ex) {
      callback_errors_.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("vsm: node {} telemetry callback threw: {}", config_.name, ex.what());
    } catch (...) {
      callback_errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::vector<TelemetryEvent> TelemetryHub::recent() const {
  std::lock_guard lock(out_mu_);
  return {recent_.begin(), recent_.end()};
}

TelemetryStats TelemetryHub::stats() const {
  TelemetryStats s;
  s.published = published_.load(std::memory_order_relaxed);
  s.suppressed = suppressed_.load(std::memory_order_relaxed);
  s.remote_received = remote_received_.load(std::memory_order_relaxed);
  s.remote_dropped = remote_dropped_.load(std::memory_order_relaxed);
  s.decode_errors = decode_errors_.load(std::memory_order_relaxed);
  s.callback_errors = callback_errors_.load(std::memory_order_relaxed);
  return s;
}

std::array<ChannelRates, kChannelCount> TelemetryHub::rates() const {
  std::lock_guard lock(out_mu_);
  return rates_;
}

std::uint64_t TelemetryHub::recent_unconfirmed() const {
  const std::uint64_t now = unix_ms();
  const std::uint64_t window = config_.health_alert_window_ms;
  return alerts_.unconfirmed_since(now > window ? now - window : 0);
}

}  // namespace vsm::detail
