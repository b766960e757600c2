#include "vsm/gossip/partition_detector.hpp"

#include <algorithm>

#include "vsm/gossip/scc.hpp"

namespace vsm::gossip {

std::string_view partition_state_name(PartitionState state) noexcept {
  switch (state) {
    case PartitionState::kHealthy: return "healthy";
    case PartitionState::kDegraded: return "degraded";
    case PartitionState::kHealing: return "healing";
  }
  return "unknown";
}

PartitionDetector::PartitionDetector(PartitionConfig config, std::string self_name)
    : config_(std::move(config)), self_name_(std::move(self_name)) {}

double PartitionDetector::weight_of(Role role) const {
  auto it = config_.role_weights.find(role);
  return it == config_.role_weights.end() ? config_.default_weight : it->second;
}

std::vector<Partition> PartitionDetector::components(
    const std::vector<Member>& nodes, const std::set<std::string>& local_unreachable,
    const std::map<std::string, std::set<std::string>>& reports) const {
  static const std::set<std::string> kNone;
  std::vector<std::vector<std::size_t>> adjacency(nodes.size());
  for (std::size_t u = 0; u < nodes.size(); ++u) {
    const std::set<std::string>* unreachable = &kNone;
    if (nodes[u].name == self_name_) {
      unreachable = &local_unreachable;
    } else if (auto it = reports.find(nodes[u].name); it != reports.end()) {
      unreachable = &it->second;
    }
    for (std::size_t v = 0; v < nodes.size(); ++v) {
      if (u != v && unreachable->count(nodes[v].name) == 0) adjacency[u].push_back(v);
    }
  }
  std::vector<Partition> out;
  for (const auto& comp : strongly_connected_components(adjacency)) {
    Partition p;
    for (std::size_t i : comp) {
      const Member& m = nodes[i];
      p.members.push_back(m.name);
      p.weight += weight_of(m.role);
      p.has_s5 = p.has_s5 || m.role == Role::kS5;
      p.has_s3 = p.has_s3 || m.role == Role::kS3;
    }
    std::sort(p.members.begin(), p.members.end());
    p.name = "p:" + p.members.front();
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const Partition& a, const Partition& b) { return a.name < b.name; });
  return out;
}

std::optional<PartitionEvent> PartitionDetector::evaluate(
    std::uint64_t now_ms, const std::vector<Member>& members,
    const std::set<std::string>& local_unreachable,
    const std::map<std::string, std::set<std::string>>& reports) {
  std::vector<Member> nodes;
  double total = 0;
  for (const Member& m : members) {
    if (m.state == MemberState::kLeft && m.name != self_name_) continue;
    total += weight_of(m.role);
    nodes.push_back(m);
  }
  if (config_.expected_total_weight > 0) total = config_.expected_total_weight;
  PartitionView v;
  v.partitions = components(nodes, local_unreachable, reports);
  for (std::size_t i = 0; i < v.partitions.size(); ++i) {
    const auto& ms = v.partitions[i].members;
    if (std::binary_search(ms.begin(), ms.end(), self_name_)) v.local = i;
  }
  const Partition& local = v.partitions.at(v.local);
  v.quorum = local.weight * 2 > total;
  note_roles_seen(now_ms, nodes);
  const bool want_s5 = config_.require_s5 && role_expected(seen_s5_, now_ms);
  const bool want_s3 = config_.require_s3 && role_expected(seen_s3_, now_ms);
  v.vsm_healthy = (!want_s5 || local.has_s5) && (!want_s3 || local.has_s3);
  if (!v.quorum) v.reason = "no quorum";
  if (!v.vsm_healthy) {
    const bool s5 = !local.has_s5 && want_s5;
    v.reason += v.reason.empty() ? "" : "; ";
    v.reason += s5 ? "no S5 in partition" : "no S3 in partition";
    if (!(s5 ? seen_s5_ : seen_s3_) && config_.join_grace_ms > 0) {
      v.reason += " (none seen within the join grace)";
    }
  }
  PartitionState before = view_.state;
  v.state = next_state(now_ms, !v.quorum || !v.vsm_healthy);
  bool same_partitions = v.partitions.size() == view_.partitions.size() &&
                         std::equal(v.partitions.begin(), v.partitions.end(),
                                    view_.partitions.begin(), [](const auto& a, const auto& b) {
                                      return a.members == b.members;
                                    });
  view_ = std::move(v);
  if (view_.state == before && same_partitions && evaluated_) return std::nullopt;
  evaluated_ = true;
  return PartitionEvent{before, view_.state, view_};
}

void PartitionDetector::note_roles_seen(std::uint64_t now_ms, const std::vector<Member>& members) {
  if (!evaluated_) first_eval_ms_ = now_ms;
  for (const Member& m : members) {
    seen_s5_ = seen_s5_ || m.role == Role::kS5;
    seen_s3_ = seen_s3_ || m.role == Role::kS3;
  }
}

bool PartitionDetector::role_expected(bool seen, std::uint64_t now_ms) const {
  return seen || now_ms >= first_eval_ms_ + config_.join_grace_ms;
}

PartitionState PartitionDetector::next_state(std::uint64_t now_ms, bool degraded) {
  if (degraded) return PartitionState::kDegraded;
  switch (view_.state) {
    case PartitionState::kDegraded:
      healing_since_ms_ = now_ms;
      return PartitionState::kHealing;
    case PartitionState::kHealing:
      return now_ms >= healing_since_ms_ + config_.healing_hold_ms ? PartitionState::kHealthy
                                                                   : PartitionState::kHealing;
    case PartitionState::kHealthy:
      return PartitionState::kHealthy;
  }
  return PartitionState::kHealthy;
}

}  // namespace vsm::gossip
