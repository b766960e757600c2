// The health rules (docs/OPERATIONS.md "Health"), as a pure function of what the node
// knows about itself, so that every rule has a deterministic test. The worst rule that
// applies decides the verdict; every rule that applies adds its reason.
// Thread-safety: pure.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "vsm/circuit_breaker.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/health.hpp"
#include "vsm/node_config.hpp"
#include "vsm/persist/log_stats.hpp"

namespace vsm::detail {

struct HealthInputs {
  bool running = true;
  bool gossip = false;  // gossip membership on: the partition view means something
  gossip::PartitionView partition;
  bool log_enabled = false;
  persist::LogStats log;
  std::map<std::string, BreakerState> breakers;  // gap repair, per publisher
  std::uint64_t queue_depth = 0;
  std::uint64_t queue_capacity = 1;
  std::array<double, kChannelCount> pressure{};
  std::uint64_t unconfirmed_alerts = 0;  // peer deliveries given up within the window
};

HealthReport evaluate_health(const HealthInputs& in, const NodeConfig& config);

}  // namespace vsm::detail
