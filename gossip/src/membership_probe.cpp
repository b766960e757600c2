// SWIM failure detector with Lifeguard: direct ping, indirect ping-req through k members
// with nacks, local health scaling of probe timeouts, buddy system.
#include <algorithm>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {

void Membership::probe_tick(std::uint64_t now_ms) {
  if (probe_) {
    if (!probe_->acked && !probe_->indirect_sent && now_ms >= probe_->direct_deadline_ms) {
      send_indirect(now_ms);
    }
    if (now_ms >= probe_->end_ms) finish_probe(now_ms);
  }
  if (!probe_ && now_ms >= next_probe_ms_) {
    next_probe_ms_ = now_ms + scaled(config_.probe_interval_ms);
    start_probe(now_ms);
  }
}

void Membership::start_probe(std::uint64_t now_ms) {
  // Round-robin over the live list in its shuffled order (SWIM's bounded detection
  // time); reshuffled after each pass. New members are placed after the cursor.
  if (table_.live().empty()) return;
  if (probe_index_ >= table_.live().size()) {
    table_.shuffle_live(rng_);
    probe_index_ = 0;
  }
  const Slot target = table_.live()[probe_index_++];
  table_.set_probe_cursor(probe_index_);
  Probe p;
  p.target = table_.name(target);
  p.seq = next_seq_++;
  p.direct_deadline_ms = now_ms + scaled(config_.probe_timeout_ms);
  p.end_ms = now_ms + scaled(config_.probe_interval_ms);
  std::vector<std::string> msgs{encode_message(Ping{p.seq, p.target, self_name_})};
  if (table_.entry(target).state == MemberState::kSuspect) {
    // Buddy system: tell the suspect directly so it can refute at once.
    msgs.push_back(encode_message(Suspect{p.target, table_.entry(target).incarnation, self_name_}));
  }
  stats_.probes_sent++;
  probe_ = std::move(p);
  send(address_of(target), std::move(msgs), true);
}

void Membership::send_indirect(std::uint64_t now_ms) {
  probe_->indirect_sent = true;
  const Slot target = table_.find(probe_->target);
  if (target == kNoSlot) return;
  PingReq req{probe_->seq, probe_->target, address_of(target), self_name_};
  std::string encoded = encode_message(req);
  for (Slot h : pick_random(config_.indirect_checks, target, false, now_ms)) {
    if (table_.entry(h).state != MemberState::kAlive) continue;
    probe_->expected_nacks++;
    stats_.indirect_probes_sent++;
    send(address_of(h), {encoded}, true);
  }
}

void Membership::finish_probe(std::uint64_t now_ms) {
  Probe p = std::move(*probe_);
  probe_.reset();
  note_probe_outcome(now_ms, p);
  if (p.acked) return;
  stats_.probes_failed++;
  // Lifeguard: missing nacks mean *we* may be the slow one; raise local health score.
  int missed = static_cast<int>(p.expected_nacks) - static_cast<int>(p.nacks);
  adjust_health(p.expected_nacks == 0 ? 1 : std::max(0, missed));
  const Slot s = table_.find(p.target);
  if (s == kNoSlot) return;
  const MemberState state = table_.entry(s).state;
  if (state != MemberState::kAlive && state != MemberState::kSuspect) return;
  if (state == MemberState::kAlive) stats_.suspicions_raised++;
  merge_suspect(now_ms, {p.target, table_.entry(s).incarnation, self_name_});
}

void Membership::expire_relays(std::uint64_t now_ms) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now_ms >= it->second.deadline_ms) {
      send(it->second.origin_address, {encode_message(Nack{it->second.origin_seq})}, false);
      it = relays_.erase(it);
    } else {
      ++it;
    }
  }
}

void Membership::buddy_ping(Slot suspect) {
  // Lifeguard buddy system: the suspect hears of the suspicion directly and refutes to us.
  const std::string& name = table_.name(suspect);
  std::vector<std::string> msgs{
      encode_message(Ping{0, name, self_name_}),
      encode_message(Suspect{name, table_.entry(suspect).incarnation, self_name_})};
  send(address_of(suspect), std::move(msgs), false);
}

void Membership::expire_suspicions(std::uint64_t now_ms) {
  std::vector<std::string> expired;
  for (const auto& [name, s] : suspicions_) {
    if (now_ms >= s.deadline_ms()) {
      expired.push_back(name);
      continue;
    }
    // Under loss the refutation broadcast can miss us; ask the suspect a few times.
    auto& at = buddy_at_[name];
    if (now_ms >= at) {
      at = now_ms + std::max<std::uint64_t>(config_.probe_interval_ms, 100);
      if (Slot m = table_.find(name); m != kNoSlot) buddy_ping(m);
    }
  }
  std::erase_if(buddy_at_, [&](const auto& e) { return suspicions_.count(e.first) == 0; });
  for (const auto& name : expired) {
    suspicions_.erase(name);
    Slot s = table_.find(name);
    if (s == kNoSlot || table_.entry(s).state != MemberState::kSuspect) continue;
    stats_.deaths_declared++;
    merge_dead(now_ms, {name, table_.entry(s).incarnation, self_name_}, false);
  }
}

void Membership::on_ping(std::string_view from, const Ping& m) {
  // A ping for another name reached us (e.g. a restarted process on a reused port).
  if (m.target != self_name_) return;
  send(std::string(from), {encode_message(Ack{m.seq, self_name_})}, true);
}

void Membership::on_ping_req(std::uint64_t now_ms, std::string_view from, const PingReq& m) {
  // Bounded, and never a reflector towards addresses outside the allowed networks.
  if (relays_.size() >= config_.max_members || !filter_.allows_address(m.target_address)) {
    stats_.relays_refused++;
    return;
  }
  std::uint64_t seq = next_seq_++;
  relays_[seq] = Relay{std::string(from), m.seq, now_ms + scaled(config_.probe_timeout_ms)};
  send(m.target_address, {encode_message(Ping{seq, m.target, self_name_})}, true);
}

void Membership::on_ack(const Ack& m) {
  auto relay = relays_.find(m.seq);
  if (relay != relays_.end()) {
    send(relay->second.origin_address, {encode_message(Ack{relay->second.origin_seq, m.source})},
         false);
    relays_.erase(relay);
    return;
  }
  if (probe_ && probe_->seq == m.seq) {
    if (const Slot t = table_.find(probe_->target); t != kNoSlot && address_of(t) == current_from_) {
      probe_->direct_ack = true;
    }
    if (!probe_->acked) adjust_health(-1);
    probe_->acked = true;
  }
}

// Direct evidence that `name` reaches us: a datagram from its own gossip address that
// names it as the sender (relayed acks come from the relay's address).
void Membership::note_heard(std::uint64_t now_ms, std::string_view from, const std::string& name) {
  const Slot s = table_.find(name);
  if (s == kNoSlot || s == self_slot_ || address_of(s) != from) return;
  LinkWatch& w = links_[name];
  w.heard = true;
  w.heard_ms = now_ms;
}

void Membership::note_probe_outcome(std::uint64_t now_ms, const Probe& p) {
  if (!p.acked || table_.find(p.target) == kNoSlot) return;
  LinkWatch& w = links_[p.target];
  if (p.direct_ack) {
    w.indirect_only = 0;
  } else {
    w.indirect_only++;
    w.last_indirect_ms = now_ms;
  }
}

std::vector<OneWayLink> Membership::one_way_links(std::uint64_t now_ms) const {
  std::vector<OneWayLink> out;
  const std::uint64_t window = config_.one_way_window_ms;
  for (const auto& [name, w] : links_) {
    if (w.indirect_only < std::max<std::uint32_t>(config_.one_way_probes, 1)) continue;
    if (!w.heard || now_ms > w.last_indirect_ms + window || now_ms > w.heard_ms + window) continue;
    out.push_back({self_name_, name});
  }
  return out;
}

void Membership::on_nack(const Nack& m) {
  if (probe_ && probe_->seq == m.seq) probe_->nacks++;
}

}  // namespace vsm::gossip
