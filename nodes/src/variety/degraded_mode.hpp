// Degraded mode (docs/VARIETY.md "Degraded mode"): what a node does while its side of
// a partition is not viable. Publishing: command events not from the side's own S3/S5
// are refused (kDegraded) and every event is marked (metadata "vsm.degraded" = the
// local partition's name), the seq range of marked events per channel kept for the
// heal announcement. Receiving: commands whose publishing node is not an S3/S5 member
// of the local partition are dropped and counted.
// Thread-safety: every method from any thread; update() from the gossip thread. The
// mutex is a leaf; active() is one relaxed atomic load (the publish path's only cost).
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

class DegradedMode {
 public:
  explicit DegradedMode(const NodeConfig& config) : config_(config) {}

  // A new partition view and the members' roles (gossip thread).
  void update(const gossip::PartitionView& view, const std::vector<gossip::Member>& members);
  bool active() const noexcept { return active_.load(std::memory_order_relaxed); }

  // Publishing while active(): kDegraded for a refused command; otherwise marks `event`.
  Status admit(Event& event);
  // After the event got its seq: remembers the range of marked events per channel.
  void note_published(const Event& event, std::uint64_t seq);
  // Receiving: false when a received command must be dropped (counted).
  bool accept(const Event& received);
  // The marked ranges since the last call (channel -> first, last seq), for the heal
  // announcement; clears them.
  std::map<Channel, std::pair<std::uint64_t, std::uint64_t>> take_ranges();

  void fill_stats(VarietyStats& s) const;

 private:
  static bool commands(Role r) noexcept { return r == Role::kS3 || r == Role::kS5; }

  const NodeConfig& config_;
  std::atomic<bool> active_{false};
  mutable std::mutex mu_;  // leaf: guards the fields below
  std::string partition_;  // local partition name while degraded
  std::string reason_;
  std::map<std::string, Role> local_roles_;  // local partition members -> role
  std::map<Channel, std::pair<std::uint64_t, std::uint64_t>> ranges_;
  std::atomic<std::uint64_t> refused_{0}, dropped_{0}, marked_{0};
};

}  // namespace vsm::detail
