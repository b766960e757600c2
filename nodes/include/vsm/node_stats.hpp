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
#include "vsm/persist/log_stats.hpp"
#include "vsm/health.hpp"
#include "vsm/latency_histogram.hpp"
#include "vsm/telemetry.hpp"
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
  // Publish -> deliver latency of received events: delivery time minus the event's
  // ts.wall_ms (HLC, 1 ms resolution; across hosts it includes their clock offset:
  // docs/OPERATIONS.md). latency.percentile_us(0.99), .max_us, .count.
  LatencySnapshot latency;
  // Per second over the last telemetry interval (NodeConfig::telemetry_interval_ms).
  double published_per_s = 0.0;
  double delivered_per_s = 0.0;
  double dropped_per_s = 0.0;
};

// Transport security and signatures (docs/SECURITY.md §6); all 0 when security is off.
struct SecurityStats {
  bool enabled = false;
  std::uint64_t connections_accepted = 0;   // CURVE clients admitted (data and control plane)
  std::uint64_t connections_refused = 0;    // refused by the ZAP handler (logged, rate-limited)
  std::uint64_t connects_refused = 0;       // our connects to a publisher without a trusted key
  std::uint64_t forged_dropped = 0;         // ts.node or source not the authenticated publisher
  std::uint64_t flow_dropped = 0;           // against the flow rules for the publisher's role
  std::uint64_t unsigned_dropped = 0;       // no signature on a signed channel
  std::uint64_t bad_signature_dropped = 0;  // signature invalid, or by an unknown signer
  std::uint64_t signed_published = 0;       // events this node signed
  std::uint64_t signatures_verified = 0;    // received events whose signature was valid
};

// Gossip membership (docs/GOSSIP.md); all zero without gossip (enabled = false).
struct GossipNodeStats {
  bool enabled = false;
  // Members this node knows (itself included), by state.
  std::uint64_t members_alive = 0;
  std::uint64_t members_suspect = 0;
  std::uint64_t members_dead = 0;
  std::uint64_t probes_sent = 0;    // direct probes
  std::uint64_t probes_failed = 0;
  // Push-pull anti-entropy over TCP: exchanges started plus requests answered, and
  // exchanges that failed (refused, timed out, bad reply).
  std::uint64_t push_pulls = 0;
  std::uint64_t push_pull_failures = 0;
  // Bytes of datagrams and push-pull frames, both ways.
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
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

  SecurityStats security;
  // The event log (NodeConfig::log_dir; docs/LOG_FORMAT.md "Errors that heal").
  bool log_enabled = false;
  persist::LogStats log;                   // its counters and health (log.health, last_error)
  std::uint64_t unlogged = 0;              // published events sent unlogged (policy continue)
  std::uint64_t log_received_failures = 0; // received events that could not be logged

  // Bounded per-publisher state (NodeConfig::max_tracked_publishers): publishers known
  // now to gap counting, to hello bookkeeping, and to the Reliable subscription that
  // tracks the most; and publishers forgotten by any of them (least recent first).
  std::uint64_t tracked_publishers = 0;
  std::uint64_t hello_publishers = 0;
  std::uint64_t reliable_publishers = 0;
  std::uint64_t publishers_evicted = 0;

  // Control plane bounds (NodeConfig::control_max_*): requests answered "busy", replies
  // dropped (the client's queue was full, or it left), reply bytes not yet read.
  std::uint64_t control_busy = 0;
  std::uint64_t control_dropped = 0;
  std::uint64_t control_reply_bytes = 0;

  // Operations (docs/OPERATIONS.md).
  HealthReport health;      // viable / degraded / not viable, with the reasons
  TelemetryStats telemetry;

  // Variety engineering: compression, adaptive rates, bargains, degraded mode, chaos.
  VarietyStats variety;
  GossipNodeStats gossip;

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
      t.latency.merge(c.latency);
      t.published_per_s += c.published_per_s;
      t.delivered_per_s += c.delivered_per_s;
      t.dropped_per_s += c.dropped_per_s;
    }
    return t;
  }
};

}  // namespace vsm
