// The node's metrics as a Prometheus exposition (docs/OPERATIONS.md "Metrics" lists every
// family): counters and gauges per channel, publish -> deliver latency histograms per
// channel, the algedonic confirmation latency histogram, members by state, partition
// state, breaker states, health, log bytes and fsync latency, telemetry counters.
// Pure: rendered from a snapshot. Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "vsm/gossip/member.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/node_stats.hpp"
#include "vsm/role.hpp"

namespace vsm::detail {

struct MetricsSnapshot {
  std::string node;
  Role role = Role::kS1;
  std::string version;
  NodeStats stats;
  bool gossip = false;  // members and partition are filled in
  std::vector<gossip::Member> members;
  gossip::PartitionView partition;
};

std::string render_node_metrics(const MetricsSnapshot& snapshot);

}  // namespace vsm::detail
