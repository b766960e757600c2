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
  // Round-robin over a shuffled list (SWIM's bounded detection time); reshuffle per pass.
  const Member* target = nullptr;
  for (int pass = 0; pass < 2 && target == nullptr; ++pass) {
    while (probe_index_ < probe_order_.size() && target == nullptr) {
      const Member* m = find(probe_order_[probe_index_++]);
      if (m != nullptr && m->name != self_name_ &&
          (m->state == MemberState::kAlive || m->state == MemberState::kSuspect)) {
        target = m;
      }
    }
    if (target == nullptr) {
      probe_order_.clear();
      for (const auto& [name, m] : members_) probe_order_.push_back(name);
      std::shuffle(probe_order_.begin(), probe_order_.end(), rng_);
      probe_index_ = 0;
    }
  }
  if (target == nullptr) return;
  Probe p;
  p.target = target->name;
  p.seq = next_seq_++;
  p.direct_deadline_ms = now_ms + scaled(config_.probe_timeout_ms);
  p.end_ms = now_ms + scaled(config_.probe_interval_ms);
  std::vector<std::string> msgs{encode_message(Ping{p.seq, target->name, self_name_})};
  if (target->state == MemberState::kSuspect) {
    // Buddy system: tell the suspect directly so it can refute at once.
    msgs.push_back(encode_message(Suspect{target->name, target->incarnation, self_name_}));
  }
  stats_.probes_sent++;
  std::string address = target->endpoints.gossip;
  probe_ = std::move(p);
  send(address, std::move(msgs), true);
}

void Membership::send_indirect(std::uint64_t now_ms) {
  probe_->indirect_sent = true;
  const Member* target = find(probe_->target);
  if (target == nullptr) return;
  PingReq req{probe_->seq, target->name, target->endpoints.gossip, self_name_};
  std::string encoded = encode_message(req);
  auto helpers = pick_random(config_.indirect_checks, {target->name}, false, now_ms);
  for (const Member* h : helpers) {
    if (h->state != MemberState::kAlive) continue;
    probe_->expected_nacks++;
    stats_.indirect_probes_sent++;
    send(h->endpoints.gossip, {encoded}, true);
  }
}

void Membership::finish_probe(std::uint64_t now_ms) {
  Probe p = std::move(*probe_);
  probe_.reset();
  if (p.acked) return;
  stats_.probes_failed++;
  // Lifeguard: missing nacks mean *we* may be the slow one; raise local health score.
  int missed = static_cast<int>(p.expected_nacks) - static_cast<int>(p.nacks);
  adjust_health(p.expected_nacks == 0 ? 1 : std::max(0, missed));
  auto it = members_.find(p.target);
  if (it == members_.end() || it->second.state != MemberState::kAlive) {
    if (it != members_.end() && it->second.state == MemberState::kSuspect) {
      merge_suspect(now_ms, {p.target, it->second.incarnation, self_name_});
    }
    return;
  }
  stats_.suspicions_raised++;
  merge_suspect(now_ms, {p.target, it->second.incarnation, self_name_});
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

void Membership::buddy_ping(const Member& suspect) {
  // Lifeguard buddy system: the suspect hears of the suspicion directly and refutes to us.
  std::vector<std::string> msgs{encode_message(Ping{0, suspect.name, self_name_}),
                                encode_message(Suspect{suspect.name, suspect.incarnation, self_name_})};
  send(suspect.endpoints.gossip, std::move(msgs), false);
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
      if (const Member* m = find(name)) buddy_ping(*m);
    }
  }
  std::erase_if(buddy_at_, [&](const auto& e) { return suspicions_.count(e.first) == 0; });
  for (const auto& name : expired) {
    auto it = members_.find(name);
    suspicions_.erase(name);
    if (it == members_.end() || it->second.state != MemberState::kSuspect) continue;
    stats_.deaths_declared++;
    merge_dead(now_ms, {name, it->second.incarnation, self_name_}, false);
  }
}

void Membership::on_ping(std::string_view from, const Ping& m) {
  // A ping for another name reached us (e.g. a restarted process on a reused port).
  if (m.target != self_name_) return;
  send(std::string(from), {encode_message(Ack{m.seq, self_name_})}, true);
}

void Membership::on_ping_req(std::uint64_t now_ms, std::string_view from, const PingReq& m) {
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
  if (probe_ && probe_->seq == m.seq && !probe_->acked) {
    probe_->acked = true;
    adjust_health(-1);
  }
}

void Membership::on_nack(const Nack& m) {
  if (probe_ && probe_->seq == m.seq) probe_->nacks++;
}

}  // namespace vsm::gossip
