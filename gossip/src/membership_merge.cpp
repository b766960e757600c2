// SWIM state transitions: alive / suspect / dead / left with incarnation ordering.
// Rules (memberlist): a higher incarnation always wins; at equal incarnation
// dead/left > suspect > alive. A node told it is suspect or dead refutes by raising
// its own incarnation.
#include <algorithm>
#include <cmath>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {

void Membership::set_state(std::uint64_t now_ms, Slot s, MemberState state) {
  const MemberState before = table_.entry(s).state;
  if (before == MemberState::kAlive && state == MemberState::kSuspect) {
    stats_.flaps[table_.name(s)]++;
  }
  // Only entering or leaving `dead` changes the reachability report.
  if ((before == MemberState::kDead) != (state == MemberState::kDead)) reach_dirty_ = true;
  table_.set_state(s, state, now_ms);
  if (state == MemberState::kDead && before != MemberState::kDead) note_dead(s, now_ms);
  if (s == self_slot_) refresh_self();
}

void Membership::refute(std::uint64_t now_ms, std::uint64_t accused_incarnation,
                        const std::string& accuser) {
  if (leaving_) return;
  table_.set_incarnation(self_slot_, std::max(self_.incarnation, accused_incarnation) + 1);
  table_.set_state(self_slot_, MemberState::kAlive, now_ms);
  refresh_self();
  stats_.refutations++;
  adjust_health(1);  // Lifeguard: being suspected hints that we are slow
  broadcast_alive(self_slot_);
  // Also answer the accuser directly: under loss the broadcast alone may reach it only
  // after its suspicion timer expired.
  if (Slot a = table_.find(accuser); a != kNoSlot && a != self_slot_) {
    send(address_of(a), {encode_message(Alive{self_})}, true);
  }
}

void Membership::merge_alive(std::uint64_t now_ms, Member incoming, Source source) {
  if (incoming.name == self_name_) {
    bool stale = incoming.incarnation < self_.incarnation ||
                 (incoming.incarnation == self_.incarnation &&
                  table_.same_metadata(self_slot_, incoming));
    if (!stale) refute(now_ms, incoming.incarnation, {});  // someone speaks for us: override
    return;
  }
  Slot s = table_.find(incoming.name);
  if (s != kNoSlot && incoming.incarnation <= table_.entry(s).incarnation) {
    // A member learned quietly from a join reply is news being gossiped after all: join
    // the spreading (infection-style dissemination needs every receiver to relay).
    if (source == Source::kGossip && table_.entry(s).quiet &&
        incoming.incarnation == table_.entry(s).incarnation &&
        table_.entry(s).state == MemberState::kAlive) {
      table_.set_quiet(s, false);
      broadcast_alive(s);
    }
    return;
  }
  if (!accept_record(incoming)) return;
  if (s == kNoSlot) {
    s = admit(now_ms, incoming);
    if (s == kNoSlot) return;
    emit(MemberEventKind::kJoined, s);
    if (source == Source::kJoinReply) {
      table_.set_quiet(s, true);
    } else {
      broadcast_alive(s);
    }
    return;
  }
  table_.set_quiet(s, false);
  const MemberState before = table_.entry(s).state;
  const bool changed = !table_.same_metadata(s, incoming);
  if (changed) table_.set_record(s, incoming);
  table_.set_incarnation(s, incoming.incarnation);
  suspicions_.erase(incoming.name);
  if (before != MemberState::kAlive) set_state(now_ms, s, MemberState::kAlive);
  if (before == MemberState::kSuspect) emit(MemberEventKind::kAlive, s);
  else if (before == MemberState::kDead || before == MemberState::kLeft) emit(MemberEventKind::kJoined, s);
  else if (changed) emit(MemberEventKind::kUpdated, s);
  broadcast_alive(s);
}

void Membership::start_suspicion(std::uint64_t now_ms, Slot s, const std::string& from) {
  const std::size_t live = live_count();
  double n = std::max(1.0, std::log10(static_cast<double>(std::max<std::size_t>(1, live))));
  auto min_ms = static_cast<std::uint64_t>(config_.suspicion_mult * n *
                                           static_cast<double>(config_.probe_interval_ms));
  std::uint64_t max_ms = min_ms * config_.suspicion_max_timeout_mult;
  std::uint32_t k = config_.suspicion_mult > 2 ? config_.suspicion_mult - 2 : 0;
  // Cannot expect more confirmations than there are other live members.
  std::size_t others = live > 2 ? live - 2 : 0;
  k = static_cast<std::uint32_t>(std::min<std::size_t>(k, others));
  suspicions_.insert_or_assign(table_.name(s), Suspicion(now_ms, min_ms, max_ms, k, from));
}

void Membership::merge_suspect(std::uint64_t now_ms, const Suspect& m) {
  if (m.name == self_name_) {
    if (m.incarnation >= self_.incarnation) {
      refute(now_ms, m.incarnation, m.from);
    } else if (!current_from_.empty() && !leaving_) {
      // Already refuted, but the sender has not heard: answer it directly.
      send(current_from_, {encode_message(Alive{self_})}, false);
    }
    return;
  }
  Slot s = table_.find(m.name);
  if (s == kNoSlot || m.incarnation < table_.entry(s).incarnation) return;
  const MemberState state = table_.entry(s).state;
  if (state == MemberState::kDead || state == MemberState::kLeft) return;
  if (state == MemberState::kSuspect) {
    auto it = suspicions_.find(m.name);
    if (it != suspicions_.end() && it->second.confirm(m.from)) {
      broadcast(m.name, Suspect{m.name, table_.entry(s).incarnation, m.from});
    }
    return;
  }
  table_.set_incarnation(s, m.incarnation);
  set_state(now_ms, s, MemberState::kSuspect);
  start_suspicion(now_ms, s, m.from);
  emit(MemberEventKind::kSuspect, s);
  broadcast(m.name, Suspect{m.name, m.incarnation, m.from});
}

void Membership::merge_dead(std::uint64_t now_ms, const Dead& m, bool left) {
  if (m.name == self_name_) {
    if (!leaving_ && m.incarnation >= self_.incarnation) refute(now_ms, m.incarnation, m.from);
    return;
  }
  Slot s = table_.find(m.name);
  if (s == kNoSlot || m.incarnation < table_.entry(s).incarnation) return;
  const MemberState state = table_.entry(s).state;
  if (state == MemberState::kLeft) return;
  if (state == MemberState::kDead && !left) return;
  table_.set_incarnation(s, m.incarnation);
  suspicions_.erase(m.name);
  set_state(now_ms, s, left ? MemberState::kLeft : MemberState::kDead);
  emit(left ? MemberEventKind::kLeft : MemberEventKind::kDead, s);
  if (left) {
    broadcast(m.name, Leave{m.name, m.incarnation});
  } else {
    broadcast(m.name, Dead{m.name, m.incarnation, m.from});
  }
}

}  // namespace vsm::gossip
