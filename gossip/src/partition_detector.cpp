#include "vsm/gossip/partition_detector.hpp"

#include <algorithm>

#include "vsm/enum_names.hpp"
#include "vsm/gossip/scc.hpp"

namespace vsm::gossip {
namespace {

constexpr EnumNames<PartitionStrategy, 4> kStrategyNames{
    {{{PartitionStrategy::kStaticQuorum, "static_quorum"},
      {PartitionStrategy::kDynamicWeights, "dynamic_weights"},
      {PartitionStrategy::kVsmHealth, "vsm_health"},
      {PartitionStrategy::kManual, "manual"}}}};

const std::vector<std::string> kNoMembers;

}  // namespace

std::string_view partition_state_name(PartitionState state) noexcept {
  switch (state) {
    case PartitionState::kHealthy: return "healthy";
    case PartitionState::kDegraded: return "degraded";
    case PartitionState::kHealing: return "healing";
  }
  return "unknown";
}

std::string_view partition_strategy_name(PartitionStrategy s) noexcept {
  return kStrategyNames.name(s);
}

std::optional<PartitionStrategy> parse_partition_strategy(std::string_view text) noexcept {
  return kStrategyNames.parse(text);
}

const std::vector<std::string>& PartitionView::local_members() const {
  return local < partitions.size() ? partitions[local].members : kNoMembers;
}

bool PartitionView::is_local_member(std::string_view name) const {
  const auto& ms = local_members();
  return std::binary_search(ms.begin(), ms.end(), name);
}

PartitionDetector::PartitionDetector(PartitionConfig config, std::string self_name)
    : config_(std::move(config)), self_name_(std::move(self_name)) {
  view_.strategy = config_.strategy;
}

double PartitionDetector::weight_of(const Member& m) const {
  if (config_.strategy == PartitionStrategy::kStaticQuorum) return 1.0;
  if (auto it = config_.node_weights.find(m.name); it != config_.node_weights.end()) {
    return it->second;
  }
  auto it = config_.role_weights.find(m.role);
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
      p.weight += weight_of(m);
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

void PartitionDetector::note_algedonic(std::uint64_t now_ms, const std::string& source, bool pain,
                                       bool critical) {
  if (!pain) {
    pain_.erase(source);
    return;
  }
  if (!critical) return;
  if (pain_.size() >= kMaxPainSources && pain_.count(source) == 0) {
    auto oldest = std::min_element(pain_.begin(), pain_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    pain_.erase(oldest);
  }
  pain_[source] = now_ms;
}

bool PartitionDetector::resolve() {
  if (!latched_) return false;
  latched_ = false;
  resolved_ = true;
  return true;
}

// The strategy's verdict on the local side. Quorum and the role rule are always
// computed (the view reports them); which of them degrade depends on the strategy.
bool PartitionDetector::degraded(std::uint64_t now_ms, PartitionView& v, double total) {
  const Partition& local = v.partitions.at(v.local);
  v.quorum = local.weight * 2 > total;
  const bool vsm_rule = config_.strategy == PartitionStrategy::kVsmHealth;
  // The start-up rule (PartitionConfig::join_grace_ms): a role counts as missing only
  // once a member with it was seen, or after the grace.
  const bool need_s5 = (vsm_rule || config_.require_s5) && role_expected(seen_s5_, now_ms);
  const bool need_s3 = (vsm_rule || config_.require_s3) && role_expected(seen_s3_, now_ms);
  v.vsm_healthy = (!need_s5 || local.has_s5) && (!need_s3 || local.has_s3);
  std::erase_if(pain_, [&](const auto& p) { return now_ms >= p.second + config_.pain_window_ms; });
  v.unresolved_pain = pain_.size();
  const auto add = [&v](const std::string& why) {
    v.reason += v.reason.empty() ? "" : "; ";
    v.reason += why;
  };
  if (!vsm_rule && !v.quorum) add("no quorum");
  if (!v.vsm_healthy) {
    const bool s5 = need_s5 && !local.has_s5;
    add(s5 ? "no S5 in partition" : "no S3 in partition");
    if (!(s5 ? seen_s5_ : seen_s3_) && config_.join_grace_ms > 0) {
      v.reason += " (none seen within the join grace)";
    }
  }
  if (vsm_rule && !pain_.empty()) {
    add("unresolved critical pain from " + pain_.begin()->first);
  }
  const bool bad = !v.reason.empty();
  if (config_.strategy != PartitionStrategy::kManual) return bad;
  // Manual: the condition latches once the side has been viable (a node starting alone,
  // before it has joined, is not latched); resolve() releases it until the condition
  // clears.
  if (!bad) armed_ = true;
  if (resolved_ && !bad) resolved_ = false;
  if (bad && !resolved_ && armed_) latched_ = true;
  v.awaiting_resolve = latched_;
  if (latched_ && !bad) add("awaiting operator resolve (vsmcat partition resolve)");
  return latched_ || (bad && !armed_);  // before it was viable: the condition alone
}

std::optional<PartitionEvent> PartitionDetector::evaluate(
    std::uint64_t now_ms, const std::vector<Member>& members,
    const std::set<std::string>& local_unreachable,
    const std::map<std::string, std::set<std::string>>& reports, std::vector<OneWayLink> one_way) {
  std::vector<Member> nodes;
  double total = 0;
  for (const Member& m : members) {
    if (m.state == MemberState::kLeft && m.name != self_name_) continue;
    total += weight_of(m);
    nodes.push_back(m);
  }
  if (config_.expected_total_weight > 0) total = config_.expected_total_weight;
  PartitionView v;
  v.strategy = config_.strategy;
  v.one_way = std::move(one_way);
  v.partitions = components(nodes, local_unreachable, reports);
  for (std::size_t i = 0; i < v.partitions.size(); ++i) {
    const auto& ms = v.partitions[i].members;
    if (std::binary_search(ms.begin(), ms.end(), self_name_)) v.local = i;
  }
  note_roles_seen(now_ms, nodes);
  PartitionState before = view_.state;
  v.state = next_state(now_ms, degraded(now_ms, v, total));
  bool same_partitions = v.partitions.size() == view_.partitions.size() &&
                         std::equal(v.partitions.begin(), v.partitions.end(),
                                    view_.partitions.begin(), [](const auto& a, const auto& b) {
                                      return a.members == b.members;
                                    });
  const bool same_links = v.one_way == view_.one_way;
  view_ = std::move(v);
  if (view_.state == before && same_partitions && same_links && evaluated_) return std::nullopt;
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
