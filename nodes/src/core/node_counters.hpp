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

  ChannelCounters& of(Channel c) { return channels[channel_index(c)]; }
  static void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace vsm::detail
