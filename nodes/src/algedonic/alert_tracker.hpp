// Sans-I/O retry state machine of the algedonic sender: which peers still owe an ack for
// which alert, when to resend, and when to give up (STYLE rule 2: no sockets, no
// threads, time is passed in). The lane thread drives it; not thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "vsm/algedonic.hpp"

namespace vsm::detail {

struct RetryPolicy {
  int max_retries = 3;        // resends after the first send
  int initial_ms = 50;        // wait after the first send
  int max_ms = 1'000;         // cap of the exponential wait
  int jitter_pct = 20;        // +- percent of each wait
};

class AlertTracker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Sends one alert datagram: (event id, envelope, peer endpoint, attempt).
  using SendFn = std::function<void(const EventId&, const std::string&,
                                    const std::string&, int)>;

  AlertTracker(RetryPolicy policy, std::uint64_t seed);

  // Tracks a new alert to `peers`; the first sends happen on the next advance(). With
  // no peers the report is resolved at once.
  void add(EventId id, std::string envelope, const std::vector<std::string>& peers,
           std::promise<DeliveryReport> promise, TimePoint now);
  // An ack from node `from` for alert `id` sent to `to`. Returns the latency when it
  // newly confirms a pending peer, empty for duplicates and unknown alerts.
  std::optional<std::chrono::microseconds> on_ack(const EventId& id, const std::string& to,
                                                  const std::string& from, TimePoint now);
  // Sends what is due (first sends and retries) and gives up on peers past their last
  // wait; resolves every alert whose peers are all settled.
  void advance(TimePoint now, const SendFn& send);
  // The earliest time advance() has work; empty when nothing is pending.
  std::optional<TimePoint> next_deadline() const;
  // Resolves every pending report as it stands, with closed = true.
  void close();

  std::size_t pending() const noexcept { return alerts_.size(); }
  // Counters may be read from any thread; they are updated before a report resolves.
  std::uint64_t confirmed() const noexcept { return confirmed_.load(std::memory_order_relaxed); }
  std::uint64_t unconfirmed() const noexcept { return unconfirmed_.load(std::memory_order_relaxed); }
  std::uint64_t retries() const noexcept { return retries_.load(std::memory_order_relaxed); }

 private:
  struct Peer {
    PeerDelivery out;
    TimePoint first_send{};
    TimePoint deadline{};
    bool settled = false;
  };
  struct Alert {
    std::string envelope;
    std::vector<Peer> peers;
    std::size_t unsettled = 0;
    std::promise<DeliveryReport> promise;
  };
  std::chrono::milliseconds wait_after(int attempts);
  void resolve(const EventId& id, Alert& alert, bool closed);

  RetryPolicy policy_;
  std::mt19937_64 rng_;
  std::map<EventId, Alert> alerts_;
  std::atomic<std::uint64_t> confirmed_{0};
  std::atomic<std::uint64_t> unconfirmed_{0};
  std::atomic<std::uint64_t> retries_{0};
};

}  // namespace vsm::detail
