#include "algedonic/alert_tracker.hpp"

#include <algorithm>

namespace vsm::detail {

AlertTracker::AlertTracker(RetryPolicy policy, std::uint64_t seed) : policy_(policy), rng_(seed) {}

void AlertTracker::add(EventId id, std::string envelope, const std::vector<std::string>& peers,
                       std::promise<DeliveryReport> promise, TimePoint now) {
  Alert a;
  a.envelope = std::move(envelope);
  a.promise = std::move(promise);
  for (const auto& ep : peers) {
    Peer p;
    p.out.endpoint = ep;
    p.deadline = now;  // first send on the next advance()
    a.peers.push_back(std::move(p));
  }
  a.unsettled = a.peers.size();
  if (a.unsettled == 0) {
    resolve(id, a, false);
    return;
  }
  alerts_.insert_or_assign(id, std::move(a));
}

std::optional<std::chrono::microseconds> AlertTracker::on_ack(const EventId& id,
                                                              const std::string& to,
                                                              const std::string& from,
                                                              TimePoint now) {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return std::nullopt;
  Alert& a = it->second;
  for (auto& p : a.peers) {
    if (p.settled || p.out.endpoint != to || p.out.attempts == 0) continue;
    p.settled = true;
    p.out.delivered = true;
    p.out.node = from;
    p.out.latency = std::chrono::duration_cast<std::chrono::microseconds>(now - p.first_send);
    confirmed_.fetch_add(1, std::memory_order_relaxed);
    auto latency = p.out.latency;
    if (--a.unsettled == 0) {
      resolve(id, a, false);
      alerts_.erase(it);
    }
    return latency;
  }
  return std::nullopt;
}

std::chrono::milliseconds AlertTracker::wait_after(int attempts) {
  // attempts >= 1: the wait doubles per send, capped, then jittered.
  std::int64_t base = std::max(1, policy_.initial_ms);
  for (int i = 1; i < attempts && base < policy_.max_ms; ++i) base *= 2;
  base = std::min<std::int64_t>(base, std::max(1, policy_.max_ms));
  const std::int64_t spread = base * std::clamp(policy_.jitter_pct, 0, 100) / 100;
  if (spread > 0) {
    std::uniform_int_distribution<std::int64_t> d(-spread, spread);
    base += d(rng_);
  }
  return std::chrono::milliseconds(std::max<std::int64_t>(1, base));
}

void AlertTracker::advance(TimePoint now, const SendFn& send) {
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Alert& a = it->second;
    for (auto& p : a.peers) {
      if (p.settled || p.deadline > now) continue;
      if (p.out.attempts > policy_.max_retries) {  // last wait is over
        p.settled = true;
        unconfirmed_.fetch_add(1, std::memory_order_relaxed);
        --a.unsettled;
        continue;
      }
      if (p.out.attempts == 0) p.first_send = now;
      if (p.out.attempts > 0) retries_.fetch_add(1, std::memory_order_relaxed);
      send(it->first, a.envelope, p.out.endpoint, p.out.attempts);
      ++p.out.attempts;
      p.deadline = now + wait_after(p.out.attempts);
    }
    if (a.unsettled == 0) {
      resolve(it->first, a, false);
      it = alerts_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<AlertTracker::TimePoint> AlertTracker::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& [id, a] : alerts_) {
    for (const auto& p : a.peers) {
      if (!p.settled && (!next || p.deadline < *next)) next = p.deadline;
    }
  }
  return next;
}

void AlertTracker::close() {
  for (auto& [id, a] : alerts_) resolve(id, a, true);
  alerts_.clear();
}

void AlertTracker::resolve(const EventId& id, Alert& alert, bool closed) {
  DeliveryReport r;
  r.id = id;
  r.closed = closed;
  for (auto& p : alert.peers) r.peers.push_back(std::move(p.out));
  alert.promise.set_value(std::move(r));
}

}  // namespace vsm::detail
