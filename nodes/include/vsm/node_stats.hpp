// Counters exported by Node::stats(). A snapshot: plain values, copyable.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "vsm/algedonic.hpp"
#include "vsm/channel.hpp"
#include "vsm/circuit_breaker.hpp"
#include "vsm/variety.hpp"

namespace vsm {

struct ChannelStats {
  std::uint64_t published = 0;  // accepted by publish() (numbered; logged and sent in order)
  std::uint64_t sent = 0;       // written to the XPUB socket
  std::uint64_t received = 0;   // decoded from the SUB socket
  std::uint64_t delivered = 0;  // handed to a subscription (pull queue or callback)
  std::uint64_t dropped = 0;    // subscription overflow + sequence gaps (lost in transit)
  std::uint64_t blocked = 0;    // rejected by the flow rules
  std::uint64_t routed = 0;     // passed the flow rules
  std::uint64_t quota_delayed = 0;   // admitted after waiting for quota (QuotaPolicy::kDelay)
  std::uint64_t quota_rejected = 0;  // publish() calls rejected with QuotaExceeded
  double variety_pressure = 0.0;     // 0..1: fill of the fullest quota bucket (0 = idle)
};

struct NodeStats {
  std::array<ChannelStats, kChannelCount> channels{};
  std::uint64_t publish_queue_depth = 0;
  std::uint64_t publish_queue_full = 0;   // publish() calls rejected with QueueFull
  std::uint64_t decode_errors = 0;        // malformed frames received and dropped
  std::uint64_t gap_events = 0;           // events missing per per-publisher sequences
  std::uint64_t subscribers = 0;          // ready remote subscriber nodes (presence)
  std::uint64_t batches_sent = 0;         // batch frames sent (each carries several events)
  std::uint64_t connected_publishers = 0; // endpoints the SUB is connected to
  AlgedonicStats algedonic;               // the algedonic lane (vsm/algedonic.hpp)

  // Reliable delivery and duplicate suppression.
  std::uint64_t hellos_received = 0;      // publisher announcements (control endpoint, heads)
  std::uint64_t repairs_requested = 0;    // range requests sent to publishers
  std::uint64_t repairs_failed = 0;       // requests that timed out or were refused
  std::uint64_t repaired_events = 0;      // events fetched by repairs
  std::uint64_t dead_letters = 0;         // ranges given up (subscriptions' dead letters)
  std::uint64_t duplicates = 0;           // duplicate events dropped
  std::map<std::string, BreakerState> repair_breakers;  // per publisher under repair

  // Reliable flow control (docs/PROTOCOL.md §1.7). Publisher side:
  std::uint64_t reliable_followers = 0;    // live subscriber nodes acknowledging us
  std::uint64_t reliable_held = 0;         // events held back now (a follower's window)
  std::uint64_t reliable_backpressure = 0; // publish() calls failed with kBackpressure
  std::uint64_t reliable_lost = 0;         // followers gone (connection closed)
  std::uint64_t reliable_timed_out = 0;    // followers dropped after reliable_ack_timeout_ms
  std::uint64_t acks_received = 0;
  // Subscriber side:
  std::uint64_t acks_sent = 0;

  // Variety engineering: compression, adaptive rates, bargains, degraded mode, chaos.
  VarietyStats variety;

  const ChannelStats& of(Channel c) const { return channels[channel_index(c)]; }
  ChannelStats total() const {
    ChannelStats t;
    for (const auto& c : channels) {
      t.published += c.published;
      t.sent += c.sent;
      t.received += c.received;
      t.delivered += c.delivered;
      t.dropped += c.dropped;
      t.blocked += c.blocked;
      t.routed += c.routed;
      t.quota_delayed += c.quota_delayed;
      t.quota_rejected += c.quota_rejected;
      t.variety_pressure = std::max(t.variety_pressure, c.variety_pressure);
    }
    return t;
  }
};

}  // namespace vsm
