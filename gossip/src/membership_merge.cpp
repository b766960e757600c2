// SWIM state transitions: alive / suspect / dead / left with incarnation ordering.
// Rules (memberlist): a higher incarnation always wins; at equal incarnation
// dead/left > suspect > alive. A node told it is suspect or dead refutes by raising
// its own incarnation.
#include <algorithm>
#include <cmath>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {
namespace {

bool same_metadata(const Member& a, const Member& b) {
  return a.role == b.role && a.endpoints == b.endpoints && a.tags == b.tags;
}

}  // namespace

void Membership::set_state(std::uint64_t now_ms, Member& member, MemberState state) {
  if (member.state == MemberState::kAlive && state == MemberState::kSuspect) {
    stats_.flaps[member.name]++;
  }
  // Only entering or leaving `dead` changes the reachability report.
  if ((member.state == MemberState::kDead) != (state == MemberState::kDead)) reach_dirty_ = true;
  member.state = state;
  member.state_change_ms = now_ms;
  changed();
  track(member);
}

void Membership::refute(std::uint64_t now_ms, std::uint64_t accused_incarnation,
                        const std::string& accuser) {
  if (leaving_) return;
  Member& me = members_.at(self_name_);
  me.incarnation = std::max(me.incarnation, accused_incarnation) + 1;
  me.state_change_ms = now_ms;
  stats_.refutations++;
  adjust_health(1);  // Lifeguard: being suspected hints that we are slow
  broadcast(self_name_, Alive{me});
  // Also answer the accuser directly: under loss the broadcast alone may reach it only
  // after its suspicion timer expired.
  if (const Member* a = find(accuser); a != nullptr && a->name != self_name_) {
    send(a->endpoints.gossip, {encode_message(Alive{me})}, true);
  }
}

void Membership::merge_alive(std::uint64_t now_ms, const Member& incoming) {
  if (incoming.name == self_name_) {
    const Member& me = members_.at(self_name_);
    bool stale = incoming.incarnation < me.incarnation ||
                 (incoming.incarnation == me.incarnation && same_metadata(incoming, me));
    if (!stale) refute(now_ms, incoming.incarnation, {});  // someone speaks for us: override
    return;
  }
  auto it = members_.find(incoming.name);
  if (it == members_.end()) {
    Member m = incoming;
    m.state = MemberState::kAlive;
    m.state_change_ms = now_ms;
    auto& stored = members_.emplace(m.name, std::move(m)).first->second;
    changed();
    track(stored);
    emit(MemberEventKind::kJoined, stored);
    broadcast(stored.name, Alive{stored});
    return;
  }
  Member& cur = it->second;
  if (incoming.incarnation <= cur.incarnation) return;
  MemberState before = cur.state;
  bool changed = !same_metadata(incoming, cur);
  cur.incarnation = incoming.incarnation;
  cur.role = incoming.role;
  cur.endpoints = incoming.endpoints;
  cur.tags = incoming.tags;
  suspicions_.erase(cur.name);
  if (before != MemberState::kAlive) set_state(now_ms, cur, MemberState::kAlive);
  if (before == MemberState::kSuspect) emit(MemberEventKind::kAlive, cur);
  else if (before == MemberState::kDead || before == MemberState::kLeft) emit(MemberEventKind::kJoined, cur);
  else if (changed) emit(MemberEventKind::kUpdated, cur);
  broadcast(cur.name, Alive{cur});
}

void Membership::start_suspicion(std::uint64_t now_ms, Member& member, const std::string& from) {
  double n = std::max(1.0, std::log10(static_cast<double>(std::max<std::size_t>(1, live_count()))));
  auto min_ms = static_cast<std::uint64_t>(config_.suspicion_mult * n *
                                           static_cast<double>(config_.probe_interval_ms));
  std::uint64_t max_ms = min_ms * config_.suspicion_max_timeout_mult;
  std::uint32_t k = config_.suspicion_mult > 2 ? config_.suspicion_mult - 2 : 0;
  // Cannot expect more confirmations than there are other live members.
  std::size_t others = live_count() > 2 ? live_count() - 2 : 0;
  k = static_cast<std::uint32_t>(std::min<std::size_t>(k, others));
  suspicions_.insert_or_assign(member.name, Suspicion(now_ms, min_ms, max_ms, k, from));
}

void Membership::merge_suspect(std::uint64_t now_ms, const Suspect& m) {
  if (m.name == self_name_) {
    const Member& me = members_.at(self_name_);
    if (m.incarnation >= me.incarnation) {
      refute(now_ms, m.incarnation, m.from);
    } else if (!current_from_.empty() && !leaving_) {
      // Already refuted, but the sender has not heard: answer it directly.
      send(current_from_, {encode_message(Alive{me})}, false);
    }
    return;
  }
  auto it = members_.find(m.name);
  if (it == members_.end() || m.incarnation < it->second.incarnation) return;
  Member& cur = it->second;
  if (cur.state == MemberState::kDead || cur.state == MemberState::kLeft) return;
  if (cur.state == MemberState::kSuspect) {
    auto s = suspicions_.find(cur.name);
    if (s != suspicions_.end() && s->second.confirm(m.from)) {
      broadcast(cur.name, Suspect{cur.name, cur.incarnation, m.from});
    }
    return;
  }
  cur.incarnation = m.incarnation;
  set_state(now_ms, cur, MemberState::kSuspect);
  start_suspicion(now_ms, cur, m.from);
  emit(MemberEventKind::kSuspect, cur);
  broadcast(cur.name, Suspect{cur.name, cur.incarnation, m.from});
}

void Membership::merge_dead(std::uint64_t now_ms, const Dead& m, bool left) {
  if (m.name == self_name_) {
    if (!leaving_ && m.incarnation >= members_.at(self_name_).incarnation) {
      refute(now_ms, m.incarnation, m.from);
    }
    return;
  }
  auto it = members_.find(m.name);
  if (it == members_.end() || m.incarnation < it->second.incarnation) return;
  Member& cur = it->second;
  if (cur.state == MemberState::kLeft) return;
  if (cur.state == MemberState::kDead && !left) return;
  cur.incarnation = m.incarnation;
  suspicions_.erase(cur.name);
  set_state(now_ms, cur, left ? MemberState::kLeft : MemberState::kDead);
  emit(left ? MemberEventKind::kLeft : MemberEventKind::kDead, cur);
  if (left) {
    broadcast(cur.name, Leave{cur.name, cur.incarnation});
  } else {
    broadcast(cur.name, Dead{cur.name, cur.incarnation, m.from});
  }
}

}  // namespace vsm::gossip
