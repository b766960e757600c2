// Sans-I/O partition detector. From the membership view and the gossiped reachability
// reports it builds the "can reach" graph, names partitions as its strongly connected
// components (Tarjan), checks quorum (static or role-weighted) and the VSM rule (a
// partition without an S5 or an S3 is degraded), and tracks healthy / degraded / healing.
// Not thread-safe: one owner calls evaluate().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/member.hpp"
#include "vsm/role.hpp"

namespace vsm::gossip {

enum class PartitionState : std::uint8_t { kHealthy = 1, kDegraded = 2, kHealing = 3 };

// "healthy", "degraded", "healing".
std::string_view partition_state_name(PartitionState state) noexcept;

struct PartitionConfig {
  // Total weight a quorum is a strict majority of. 0 = the summed weight of every known
  // member that has not left (dynamic). Set it to the cluster size for a static quorum.
  double expected_total_weight = 0;
  // Weight of a member by role; roles not listed weigh default_weight.
  std::map<Role, double> role_weights;
  double default_weight = 1.0;
  // VSM health rule: a partition lacking these roles is degraded.
  bool require_s5 = true;
  bool require_s3 = true;
  // After a merge the state stays `healing` this long (time for log anti-entropy).
  std::uint64_t healing_hold_ms = 2'000;
  // Start-up rule: a required role (S5, S3) counts as missing only once a member with
  // that role has been seen (a node cannot be cut off from members it never saw), or
  // once this long has passed since the first evaluation without seeing one (then the
  // reason says so). 0: required roles count from the start.
  std::uint64_t join_grace_ms = 30'000;
};

struct Partition {
  std::string name;                  // "p:" + smallest member name, stable across nodes
  std::vector<std::string> members;  // sorted
  double weight = 0;
  bool has_s5 = false;
  bool has_s3 = false;
};

struct PartitionView {
  PartitionState state = PartitionState::kHealthy;
  std::vector<Partition> partitions;  // sorted by name
  std::size_t local = 0;              // index of the partition containing this node
  bool quorum = true;
  bool vsm_healthy = true;
  std::string reason;  // why degraded, empty when not
};

// Emitted when the state or the set of partitions (names and members) changes.
struct PartitionEvent {
  PartitionState from;
  PartitionState to;
  PartitionView view;
};

class PartitionDetector {
 public:
  PartitionDetector(PartitionConfig config, std::string self_name);

  // Recomputes the view. `local_unreachable` is what this node cannot reach; `reports`
  // what others gossiped (origin -> names it cannot reach; a missing origin reaches all).
  // Returns an event when the state or the partitions changed (always on the first call).
  std::optional<PartitionEvent> evaluate(
      std::uint64_t now_ms, const std::vector<Member>& members,
      const std::set<std::string>& local_unreachable,
      const std::map<std::string, std::set<std::string>>& reports);

  const PartitionView& view() const noexcept { return view_; }
  PartitionState state() const noexcept { return view_.state; }

 private:
  double weight_of(Role role) const;
  std::vector<Partition> components(const std::vector<Member>& nodes,
                                     const std::set<std::string>& local_unreachable,
                                     const std::map<std::string, std::set<std::string>>& reports) const;
  PartitionState next_state(std::uint64_t now_ms, bool degraded);
  // The start-up rule (PartitionConfig::join_grace_ms): notes which required roles have
  // been seen and whether a role not seen yet is still within its grace.
  void note_roles_seen(std::uint64_t now_ms, const std::vector<Member>& members);
  bool role_expected(bool seen, std::uint64_t now_ms) const;

  PartitionConfig config_;
  std::string self_name_;
  PartitionView view_;
  std::uint64_t healing_since_ms_ = 0;
  bool evaluated_ = false;
  std::uint64_t first_eval_ms_ = 0;
  bool seen_s5_ = false;
  bool seen_s3_ = false;
};

}  // namespace vsm::gossip
