// Algedonic alerts (DESIGN §2): pain/pleasure signals from operations that must reach S5
// at once, bypassing the hierarchy and any data-plane congestion. A node sends each alert
// as one UDP datagram (RADIO -> DISH, group "alg") to every algedonic peer, retries
// unacknowledged ones, and ALSO publishes it on the data plane; receivers deduplicate by
// event id. Wire format: nodes/src/algedonic_format.hpp and docs/PROTOCOL.md.
//
//   auto r = node.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain,
//                                   "pump 3 overheating", {{"temp", 97.5}});
//   if (r) { vsm::DeliveryReport rep = r->report.get(); /* per-peer outcome */ }
//   node.on_algedonic([](const vsm::AlgedonicAlert& a) { /* algedonic thread */ });
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/latency_histogram.hpp"

namespace vsm {

enum class Severity : std::uint8_t { kLow, kMedium, kHigh, kCritical, kEmergency };
enum class Signal : std::uint8_t { kPain, kPleasure };

// "low", "medium", "high", "critical", "emergency" / "pain", "pleasure".
std::string_view severity_name(Severity s) noexcept;
std::optional<Severity> parse_severity(std::string_view text) noexcept;
std::string_view signal_name(Signal s) noexcept;
std::optional<Signal> parse_signal(std::string_view text) noexcept;

// How an alert first reached this node.
enum class AlgedonicPath : std::uint8_t { kLane, kDataPlane };

// A received alert: the full event plus its decoded algedonic fields.
struct AlgedonicAlert {
  Event event;  // channel algedonic, type "pain" / "pleasure"
  Severity severity = Severity::kLow;
  Signal signal = Signal::kPain;
  std::string description;
  std::map<std::string, double> metrics;
  AlgedonicPath path = AlgedonicPath::kLane;
};

// Runs on the node's algedonic thread, exactly once per alert id per node. Must not
// block for long (it delays later alerts and acknowledgements).
using AlgedonicCallback = std::function<void(const AlgedonicAlert&)>;

// Outcome for one algedonic peer (a DISH endpoint).
struct PeerDelivery {
  std::string endpoint;    // the peer's DISH endpoint
  std::string node;        // name of the node that acknowledged ("" when unconfirmed)
  bool delivered = false;  // an ack arrived
  int attempts = 0;        // datagrams sent to this peer (1 + retries)
  std::chrono::microseconds latency{0};  // first send -> ack (0 when unconfirmed)
};

struct DeliveryReport {
  EventId id;                      // the alert's event id
  std::vector<PeerDelivery> peers; // one per algedonic peer known when it was raised
  bool closed = false;             // the node closed before every peer was settled

  std::size_t delivered_count() const {
    std::size_t n = 0;
    for (const auto& p : peers) n += p.delivered ? 1 : 0;
    return n;
  }
  bool all_delivered() const { return delivered_count() == peers.size(); }
};

// Returned by Node::publish_algedonic(). `report` becomes ready once every peer has
// acknowledged or exhausted its retries (at once when there are no peers).
struct AlgedonicReceipt {
  EventId id;
  std::uint64_t seq = 0;    // data-plane sequence (0 when the data-plane copy was refused)
  bool data_plane = false;  // the redundant data-plane copy was queued
  std::shared_future<DeliveryReport> report;
};

// Counters of the algedonic lane, part of NodeStats.
struct AlgedonicStats {
  std::uint64_t raised = 0;            // alerts accepted by publish_algedonic()
  std::uint64_t rejected_too_large = 0;
  std::uint64_t datagrams_sent = 0;    // alert datagrams handed to a RADIO (incl. retries)
  std::uint64_t retries = 0;
  std::uint64_t send_failures = 0;     // RADIO refused a datagram (HWM)
  std::uint64_t confirmed = 0;         // peer deliveries acknowledged
  std::uint64_t unconfirmed = 0;       // peer deliveries given up after the retries
  double confirmation_rate = 0.0;      // confirmed / (confirmed + unconfirmed); 0 when none
  std::uint64_t latency_p50_us = 0;    // first send -> ack, over the recent window
  std::uint64_t latency_p99_us = 0;
  std::uint64_t latency_max_us = 0;
  LatencySnapshot confirm_latency;     // first send -> ack, every confirmation since start
  std::uint64_t received_lane = 0;        // alerts first seen on the lane
  std::uint64_t received_data_plane = 0;  // alerts first seen on the data plane
  std::uint64_t duplicates = 0;           // later copies dropped by the dedup window
  std::uint64_t acks_sent = 0;
  std::uint64_t malformed_dropped = 0;    // datagrams that failed to decode
  std::uint64_t auth_dropped = 0;         // sealed with a foreign key / unsealed when required
  std::uint64_t callback_errors = 0;      // on_algedonic callbacks that threw
  std::uint64_t data_plane_refused = 0;   // data-plane copy not queued (queue full, closing)
};

}  // namespace vsm
