#include "chaos/chaos_engine.hpp"

#include <algorithm>

#include "vsm/enum_names.hpp"

namespace vsm {
namespace {
constexpr EnumNames<ChaosPlane, 3> kPlaneNames{{{{ChaosPlane::kData, "data"},
                                                 {ChaosPlane::kGossip, "gossip"},
                                                 {ChaosPlane::kAlgedonic, "algedonic"}}}};
}  // namespace

std::string_view chaos_plane_name(ChaosPlane plane) noexcept { return kPlaneNames.name(plane); }

}  // namespace vsm

namespace vsm::detail {
namespace {

std::size_t action_slot(FaultAction a) {
  switch (a) {
    case FaultAction::kDelay: return 1;
    case FaultAction::kDuplicate: return 2;
    case FaultAction::kReorder: return 3;
    default: return 0;  // drop
  }
}

}  // namespace

std::string chaos_rule_text(const ChaosRule& r) {
  std::string s(fault_action_name(r.action));
  s += r.plane ? " plane=" + std::string(chaos_plane_name(*r.plane)) : " plane=all";
  if (!r.peer.empty()) s += " peer=" + r.peer;
  if (r.channel) s += " channel=" + std::string(channel_name(*r.channel));
  s += " prob=" + std::to_string(r.probability);
  if (r.action == FaultAction::kDelay) s += " delay_ms=" + std::to_string(r.delay_ms);
  if (r.count) s += " count=" + std::to_string(r.count);
  return s;
}

ChaosEngine::ChaosEngine(const ChaosConfig& config)
    : config_(config), rng_(config.seed != 0 ? config.seed : std::random_device{}()) {}

Status ChaosEngine::add(ChaosRule rule, std::uint64_t now_ms) {
  if (!config_.enabled) {
    return Error::invalid("fault injection is off on this node: set [chaos] enabled = true");
  }
  if (rule.action == FaultAction::kPass) return Error::invalid("chaos: a rule needs an action");
  if (!(rule.probability > 0.0 && rule.probability <= 1.0)) {
    return Error::invalid("chaos: probability must be in (0, 1]");
  }
  if (rule.for_ms == 0 || rule.for_ms > config_.max_duration_ms) {
    return Error::invalid("chaos: duration must be 1 ms.." + std::to_string(config_.max_duration_ms) + " ms");
  }
  std::lock_guard lock(mu_);
  expire(now_ms);
  if (rules_.size() >= config_.max_rules) {
    return Error::invalid("chaos: " + std::to_string(config_.max_rules) + " rules already active");
  }
  const std::uint64_t expires = now_ms + rule.for_ms;
  const std::uint64_t left = rule.count;
  rules_.push_back(Active{std::move(rule), expires, left});
  rule_count_.store(rules_.size());
  active_.store(true, std::memory_order_relaxed);
  return {};
}

Status ChaosEngine::partition(std::vector<std::string> members, std::uint64_t for_ms,
                              std::uint64_t now_ms) {
  if (!config_.enabled) {
    return Error::invalid("fault injection is off on this node: set [chaos] enabled = true");
  }
  if (members.empty()) return Error::invalid("chaos: a partition needs members");
  if (for_ms == 0 || for_ms > config_.max_duration_ms) {
    return Error::invalid("chaos: duration must be 1 ms.." + std::to_string(config_.max_duration_ms) + " ms");
  }
  std::lock_guard lock(mu_);
  partition_ = {members.begin(), members.end()};
  partition_expires_ms_ = now_ms + for_ms;
  active_.store(true, std::memory_order_relaxed);
  return {};
}

void ChaosEngine::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
  partition_.clear();
  rule_count_.store(0);
  active_.store(false, std::memory_order_relaxed);
}

bool ChaosEngine::ignores(std::string_view peer, std::uint64_t now_ms) {
  if (!active()) return false;
  std::lock_guard lock(mu_);
  expire(now_ms);
  return partition_.count(peer) != 0;
}

void ChaosEngine::expire(std::uint64_t now_ms) {
  std::erase_if(rules_, [&](const Active& a) { return now_ms >= a.expires_ms; });
  if (!partition_.empty() && now_ms >= partition_expires_ms_) partition_.clear();
  rule_count_.store(rules_.size());
  active_.store(!rules_.empty() || !partition_.empty(), std::memory_order_relaxed);
}

void ChaosEngine::count(ChaosPlane plane, FaultAction action) {
  counts_[static_cast<std::size_t>(plane)][action_slot(action)].fetch_add(1, std::memory_order_relaxed);
}

FaultVerdict ChaosEngine::decide(ChaosPlane plane, std::string_view peer,
                                 std::optional<Channel> channel, std::uint64_t now_ms) {
  if (!active()) return {};
  std::lock_guard lock(mu_);
  expire(now_ms);
  if (!peer.empty() && partition_.count(peer) != 0) {
    count(plane, FaultAction::kDrop);
    return {FaultAction::kDrop, 0};
  }
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    const ChaosRule& r = it->rule;
    if (r.plane && *r.plane != plane) continue;
    if (!r.peer.empty() && r.peer != peer) continue;
    if (r.channel && (!channel || *r.channel != *channel)) continue;
    if (r.probability < 1.0 && std::uniform_real_distribution<double>(0, 1)(rng_) >= r.probability) {
      continue;
    }
    const FaultVerdict v{r.action, r.delay_ms};
    if (it->left != 0 && --it->left == 0) rules_.erase(it);  // its count is used up
    rule_count_.store(rules_.size());
    active_.store(!rules_.empty() || !partition_.empty(), std::memory_order_relaxed);
    count(plane, v.action);
    return v;
  }
  return {};
}

std::vector<std::string> ChaosEngine::describe(std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  expire(now_ms);
  std::vector<std::string> out;
  for (const Active& a : rules_) {
    out.push_back(chaos_rule_text(a.rule) + " left_ms=" + std::to_string(a.expires_ms - now_ms) +
                  (a.left ? " left=" + std::to_string(a.left) : ""));
  }
  if (!partition_.empty()) {
    std::string p = "partition ignore=";
    for (const auto& m : partition_) p += (p.back() == '=' ? "" : ",") + m;
    out.push_back(p + " left_ms=" + std::to_string(partition_expires_ms_ - now_ms));
  }
  return out;
}

void ChaosEngine::fill_stats(VarietyStats& s) const {
  s.chaos_rules = rule_count_.load();
  for (std::size_t p = 0; p < kChaosPlaneCount; ++p) {
    s.chaos[p].dropped = counts_[p][0].load();
    s.chaos[p].delayed = counts_[p][1].load();
    s.chaos[p].duplicated = counts_[p][2].load();
    s.chaos[p].reordered = counts_[p][3].load();
  }
}

}  // namespace vsm::detail
