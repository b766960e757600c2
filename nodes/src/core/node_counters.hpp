// Live atomic counters behind Node::stats(). Writers use relaxed increments.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "vsm/latency_histogram.hpp"
#include "vsm/node_stats.hpp"

namespace vsm::detail {

struct ChannelCounters {
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> dropped{0};
  LatencyHistogram latency;  // publish -> deliver; recorded by the reactor thread only
};

struct SecurityCounters {
  std::atomic<std::uint64_t> connects_refused{0};
  std::atomic<std::uint64_t> forged_dropped{0};
  std::atomic<std::uint64_t> flow_dropped{0};
  std::atomic<std::uint64_t> unsigned_dropped{0};
  std::atomic<std::uint64_t> bad_signature_dropped{0};
  std::atomic<std::uint64_t> signed_published{0};
  std::atomic<std::uint64_t> signatures_verified{0};
};

struct NodeCounters {
  std::array<ChannelCounters, kChannelCount> channels;
  std::atomic<std::uint64_t> publish_queue_full{0};
  std::atomic<std::uint64_t> decode_errors{0};
  std::atomic<std::uint64_t> gap_events{0};
  std::atomic<std::uint64_t> connected_publishers{0};
  std::atomic<std::uint64_t> hellos_received{0};
  std::atomic<std::uint64_t> repairs_requested{0};
  std::atomic<std::uint64_t> repairs_failed{0};
  std::atomic<std::uint64_t> repaired_events{0};
  std::atomic<std::uint64_t> dead_letters{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> reliable_backpressure{0};
  std::atomic<std::uint64_t> acks_sent{0};
  std::atomic<std::uint64_t> batches_sent{0};  // batch frames (each several events)
  SecurityCounters security;
  // Bounded per-publisher state (NodeStats): gauges written by the reactor thread.
  std::atomic<std::uint64_t> tracked_publishers{0};
  std::atomic<std::uint64_t> hello_publishers{0};
  std::atomic<std::uint64_t> reliable_publishers{0};
  std::atomic<std::uint64_t> publishers_evicted{0};
  // Published events sent without being logged (LogFailurePolicy::kContinue).
  std::atomic<std::uint64_t> unlogged{0};

  ChannelCounters& of(Channel c) { return channels[channel_index(c)]; }
  static void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace vsm::detail
