// Sans-I/O partition detector. From the membership view and the gossiped reachability
// reports it builds the "can reach" graph, names partitions as its strongly connected
// components (Tarjan), decides whether the local side is viable by the configured
// strategy (static quorum, dynamic weights, VSM health, manual; docs/GOSSIP.md
// "Partition strategies"), reports one-way links, and tracks healthy / degraded /
// healing. Not thread-safe: one owner calls every method.
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

// How the local side of a partition is judged viable.
enum class PartitionStrategy : std::uint8_t {
  kStaticQuorum,    // a strict majority of members by count (of expected_total_weight if set)
  kDynamicWeights,  // a strict majority of weight (node_weights, role_weights, default)
  kVsmHealth,       // holds an S5 and an S3, and no unresolved critical pain in pain_window_ms
  kManual,          // as kDynamicWeights to enter degraded; leaves only through resolve()
};
// "static_quorum", "dynamic_weights", "vsm_health", "manual".
std::string_view partition_strategy_name(PartitionStrategy s) noexcept;
std::optional<PartitionStrategy> parse_partition_strategy(std::string_view text) noexcept;

struct PartitionConfig {
  PartitionStrategy strategy = PartitionStrategy::kDynamicWeights;
  // Total weight a quorum is a strict majority of. 0 = the summed weight of every known
  // member that has not left (dynamic). Set it to the cluster size for a static quorum.
  double expected_total_weight = 0;
  // dynamic_weights and manual: weight of a member by name, else by role, else
  // default_weight. static_quorum counts every member as 1.
  std::map<std::string, double> node_weights;
  std::map<Role, double> role_weights;
  double default_weight = 1.0;
  // Role rule on top of static_quorum, dynamic_weights and manual: a partition lacking
  // these roles is degraded (vsm_health always requires both).
  bool require_s5 = true;
  bool require_s3 = true;
  // vsm_health: critical (or worse) pain not followed by pleasure from the same source
  // within this long keeps the side degraded. Sources tracked: at most kMaxPainSources.
  std::uint64_t pain_window_ms = 60'000;
  // After a merge the state stays `healing` this long (time for log anti-entropy).
  std::uint64_t healing_hold_ms = 2'000;
  // Start-up rule: a required role (S5, S3) counts as missing only once a member with
  // that role has been seen (a node cannot be cut off from members it never saw), or
  // once this long has passed since the first evaluation without seeing one (then the
  // reason says so). 0: required roles count from the start.
  std::uint64_t join_grace_ms = 30'000;
};

// A link that works one way only: datagrams from `from` do not reach `to`, while `to`'s
// reach `from` (reported by `from`, which still hears `to`).
struct OneWayLink {
  std::string from;
  std::string to;
  friend bool operator==(const OneWayLink&, const OneWayLink&) = default;
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
  PartitionStrategy strategy = PartitionStrategy::kDynamicWeights;
  std::vector<Partition> partitions;  // sorted by name
  std::size_t local = 0;              // index of the partition containing this node
  bool quorum = true;
  bool vsm_healthy = true;
  std::string reason;  // why degraded, empty when not
  std::vector<OneWayLink> one_way;    // links this node found working one way only
  std::size_t unresolved_pain = 0;    // vsm_health: sources in unresolved critical pain
  bool awaiting_resolve = false;      // manual: degraded until resolve()

  // The local partition's members (empty before the first evaluation).
  const std::vector<std::string>& local_members() const;
  bool is_local_member(std::string_view name) const;
};

// Emitted when the state, the set of partitions (names and members) or the one-way
// links change.
struct PartitionEvent {
  PartitionState from;
  PartitionState to;
  PartitionView view;
};

class PartitionDetector {
 public:
  static constexpr std::size_t kMaxPainSources = 1'024;

  PartitionDetector(PartitionConfig config, std::string self_name);

  // Recomputes the view. `local_unreachable` is what this node cannot reach; `reports`
  // what others gossiped (origin -> names it cannot reach; a missing origin reaches all).
  // Returns an event when the state or the partitions changed (always on the first call).
  std::optional<PartitionEvent> evaluate(
      std::uint64_t now_ms, const std::vector<Member>& members,
      const std::set<std::string>& local_unreachable,
      const std::map<std::string, std::set<std::string>>& reports,
      std::vector<OneWayLink> one_way = {});

  // vsm_health input: an algedonic alert from `source`. Critical (or worse) pain opens
  // an unresolved pain; pleasure from the same source resolves it. Other alerts are
  // ignored. Takes effect on the next evaluate().
  void note_algedonic(std::uint64_t now_ms, const std::string& source, bool pain, bool critical);
  // manual: the operator accepts the current situation; a degraded side goes healing
  // on the next evaluate(), and degrades again only after the condition clears and
  // trips anew. False (nothing to resolve) when not degraded.
  bool resolve();

  const PartitionView& view() const noexcept { return view_; }
  PartitionState state() const noexcept { return view_.state; }

 private:
  double weight_of(const Member& m) const;
  // Whether the local side is degraded by the strategy; fills v.reason.
  bool degraded(std::uint64_t now_ms, PartitionView& v, double total);
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
  std::map<std::string, std::uint64_t> pain_;  // source -> time of its unresolved pain
  bool latched_ = false;         // manual: degraded until resolve()
  bool armed_ = false;           // manual: the side was viable once (latching allowed)
  bool resolved_ = false;        // manual: resolve() seen; wait for the condition to clear
};

}  // namespace vsm::gossip
