#include "variety/degraded_mode.hpp"

#include "vsm/flow_rules.hpp"

namespace vsm::detail {

void DegradedMode::update(const gossip::PartitionView& view,
                          const std::vector<gossip::Member>& members) {
  std::lock_guard lock(mu_);
  const bool degraded = view.state == gossip::PartitionState::kDegraded;
  local_roles_.clear();
  for (const auto& m : members) {
    if (view.is_local_member(m.name)) local_roles_[m.name] = m.role;
  }
  partition_ = view.local < view.partitions.size() ? view.partitions[view.local].name : "";
  reason_ = view.reason;
  active_.store(degraded, std::memory_order_relaxed);
}

Status DegradedMode::admit(Event& event) {
  if (!active()) return {};
  std::lock_guard lock(mu_);
  if (event.channel == Channel::kCommand && config_.degraded_refuse_commands) {
    // This node is on its side by definition; a source naming another role (a relay of
    // a command from elsewhere) must be an S3/S5 too.
    const auto source_role = event.source == config_.name ? std::optional<Role>(config_.role)
                                                          : role_from_name(event.source);
    if (!commands(config_.role) || !source_role || !commands(*source_role)) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Error::degraded("command refused: this node's side of the partition (" + partition_ +
                             ": " + reason_ + ") is degraded and only its own S3/S5 may command");
    }
  }
  event.metadata[std::string(kDegradedMetadataKey)] = Value::string(partition_);
  marked_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

void DegradedMode::note_published(const Event& event, std::uint64_t seq) {
  if (seq == 0 || event.metadata.count(std::string(kDegradedMetadataKey)) == 0) return;
  std::lock_guard lock(mu_);
  auto [it, fresh] = ranges_.try_emplace(event.channel, seq, seq);
  if (!fresh) it->second.second = seq;
}

bool DegradedMode::accept(const Event& received) {
  if (received.channel != Channel::kCommand || !active() || !config_.degraded_refuse_commands) {
    return true;
  }
  std::lock_guard lock(mu_);
  auto it = local_roles_.find(received.ts.node);
  if (it != local_roles_.end() && commands(it->second)) return true;
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

std::map<Channel, std::pair<std::uint64_t, std::uint64_t>> DegradedMode::take_ranges() {
  std::lock_guard lock(mu_);
  return std::exchange(ranges_, {});
}

void DegradedMode::fill_stats(VarietyStats& s) const {
  s.degraded_refused = refused_.load();
  s.degraded_dropped = dropped_.load();
  s.degraded_marked = marked_.load();
}

}  // namespace vsm::detail
