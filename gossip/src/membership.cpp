// Membership plumbing: construction, dispatch, output, gossip rounds. The failure
// detector, state merges and full-state sync live in membership_{probe,merge,sync}.cpp.
#include "vsm/gossip/membership.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"

namespace vsm::gossip {

Membership::Membership(MembershipConfig config, Member self, std::uint64_t seed)
    : config_(std::move(config)), self_name_(self.name), rng_(seed) {
  assert(!self_name_.empty());
  self.state = MemberState::kAlive;
  members_.emplace(self_name_, std::move(self));
}

void Membership::join(std::uint64_t now_ms, std::vector<std::string> seed_addresses) {
  seeds_ = std::move(seed_addresses);
  joined_ = seeds_.empty();
  join_request_id_ = (rng_() >> 1) | 1;
  next_join_ms_ = now_ms;  // first attempt on the next tick
  next_probe_ms_ = now_ms + config_.probe_interval_ms;
  next_gossip_ms_ = now_ms + config_.gossip_interval_ms;
  next_push_pull_ms_ = now_ms + config_.push_pull_interval_ms;
  next_reconnect_ms_ = now_ms + config_.reconnect_interval_ms;
  tick(now_ms);
}

void Membership::leave(std::uint64_t now_ms) {
  if (leaving_) return;
  leaving_ = true;
  Member& me = members_.at(self_name_);
  set_state(now_ms, me, MemberState::kLeft);
  Leave msg{self_name_, me.incarnation};
  broadcast(self_name_, msg);
  // Tell a handful directly so the leave does not depend on the next gossip round.
  std::string encoded = encode_message(msg);
  for (const Member* m : pick_random(2 * config_.gossip_nodes + 2, {self_name_}, false, now_ms)) {
    send(m->endpoints.gossip, {encoded}, true);
  }
}

void Membership::receive(std::uint64_t now_ms, std::string_view from_address,
                         std::string_view datagram) {
  stats_.datagrams_received++;
  stats_.bytes_received += datagram.size();
  DropReason reason = DropReason::kMalformed;
  auto decoded = decode_datagram(datagram, config_.keyring.get(), reason);
  if (!decoded) {
    stats_.dropped[static_cast<std::size_t>(reason)]++;
    return;
  }
  current_from_ = std::string(from_address);
  for (Message& m : decoded.value()) dispatch(now_ms, from_address, m);
  current_from_.clear();
}

void Membership::dispatch(std::uint64_t now_ms, std::string_view from, Message& message) {
  if (leaving_) return;  // a leaving node neither answers nor refutes
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Ping>) on_ping(from, m);
        else if constexpr (std::is_same_v<T, PingReq>) on_ping_req(now_ms, from, m);
        else if constexpr (std::is_same_v<T, Ack>) on_ack(m);
        else if constexpr (std::is_same_v<T, Nack>) on_nack(m);
        else if constexpr (std::is_same_v<T, Alive>) merge_alive(now_ms, m.member);
        else if constexpr (std::is_same_v<T, Suspect>) merge_suspect(now_ms, m);
        else if constexpr (std::is_same_v<T, Dead>) merge_dead(now_ms, m, m.from == m.name);
        else if constexpr (std::is_same_v<T, Leave>) merge_dead(now_ms, {m.name, m.incarnation, m.name}, true);
        else if constexpr (std::is_same_v<T, PushPull>) on_push_pull(now_ms, from, m);
        else if constexpr (std::is_same_v<T, Reach>) on_reach(m);
      },
      message);
}

void Membership::tick(std::uint64_t now_ms) {
  expire_relays(now_ms);
  if (!leaving_) {
    probe_tick(now_ms);
    expire_suspicions(now_ms);
    sync_tick(now_ms);
    update_reach(now_ms, false);
    reclaim(now_ms);
  }
  if (now_ms >= next_gossip_ms_) {
    next_gossip_ms_ = now_ms + config_.gossip_interval_ms;
    gossip_round(now_ms);
  }
}

Status Membership::update_local(std::uint64_t now_ms, Endpoints endpoints,
                                std::map<std::string, std::string> tags) {
  Member candidate = members_.at(self_name_);
  candidate.endpoints = std::move(endpoints);
  candidate.tags = std::move(tags);
  candidate.incarnation++;
  if (encode_message(Alive{candidate}).size() > format::kMaxRecordBytes) {
    return Error::too_large("member record exceeds " + std::to_string(format::kMaxRecordBytes) +
                            " bytes; use fewer or shorter tags/endpoints");
  }
  candidate.state_change_ms = now_ms;
  Member& me = members_.at(self_name_);
  me = std::move(candidate);
  broadcast(self_name_, Alive{me});
  return {};
}

std::vector<Datagram> Membership::take_datagrams() { return std::exchange(out_, {}); }
std::vector<MemberEvent> Membership::take_events() { return std::exchange(events_, {}); }

const Member& Membership::self() const { return members_.at(self_name_); }

std::vector<Member> Membership::members() const {
  std::vector<Member> out;
  out.reserve(members_.size());
  for (const auto& [name, m] : members_) out.push_back(m);
  return out;
}

const Member* Membership::find(std::string_view name) const {
  auto it = members_.find(std::string(name));
  return it == members_.end() ? nullptr : &it->second;
}

std::size_t Membership::live_count() const noexcept {
  if (!live_dirty_) return live_cache_;
  std::size_t n = 0;
  for (const auto& [name, m] : members_) {
    if (m.state == MemberState::kAlive || m.state == MemberState::kSuspect) ++n;
  }
  live_cache_ = n;
  live_dirty_ = false;
  return n;
}

GossipStats Membership::stats() const {
  GossipStats s = stats_;
  s.health_score = health_;
  return s;
}

void Membership::send(const std::string& address, std::vector<std::string> primary,
                      bool piggyback) {
  if (address.empty()) return;
  const bool sealed = config_.keyring != nullptr;
  std::size_t used = 0;
  for (const auto& p : primary) used += p.size();
  if (piggyback) {
    // Reserve the worst-case array header growth (1 -> 3 bytes).
    std::size_t overhead = datagram_overhead(format::kMaxMessagesPerDatagram, sealed);
    if (used + overhead < format::kMaxDatagramBytes) {
      auto extra = broadcasts_.take(format::kMaxDatagramBytes - overhead - used,
                                    format::kMaxMessagesPerDatagram - primary.size(),
                                    retransmit_limit());
      for (auto& e : extra) primary.push_back(std::move(e));
    }
  }
  if (primary.empty()) return;
  std::string bytes = encode_datagram(primary, config_.keyring.get());
  assert(bytes.size() <= format::kMaxDatagramBytes);
  stats_.datagrams_sent++;
  stats_.bytes_sent += bytes.size();
  out_.push_back({address, std::move(bytes)});
}

void Membership::broadcast(const std::string& key, const Message& message) {
  broadcasts_.push(key, encode_message(message));
}

void Membership::emit(MemberEventKind kind, const Member& member) {
  events_.push_back({kind, member});
}

std::uint32_t Membership::retransmit_limit() const noexcept {
  double n = static_cast<double>(live_count());
  auto scale = static_cast<std::uint32_t>(std::ceil(std::log10(n + 1.0)));
  return config_.retransmit_mult * std::max<std::uint32_t>(1, scale);
}

std::uint64_t Membership::scaled(std::uint64_t ms) const noexcept {
  return ms * static_cast<std::uint64_t>(health_ + 1);
}

void Membership::adjust_health(int delta) noexcept {
  int max = static_cast<int>(config_.awareness_max_multiplier) - 1;
  health_ = std::clamp(health_ + delta, 0, std::max(0, max));
}

void Membership::track(const Member& m, bool erase) {
  if (m.name == self_name_) return;
  const bool live = !erase && (m.state == MemberState::kAlive || m.state == MemberState::kSuspect);
  auto it = live_pos_.find(&m);
  if (live && it == live_pos_.end()) {
    live_pos_[&m] = live_.size();
    live_.push_back(&m);
  } else if (!live && it != live_pos_.end()) {
    std::size_t pos = it->second;
    live_pos_.erase(it);
    if (pos + 1 != live_.size()) {
      live_[pos] = live_.back();
      live_pos_[live_[pos]] = pos;
    }
    live_.pop_back();
  }
  if (!erase && m.state == MemberState::kDead) recent_dead_.emplace_back(m.name, m.state_change_ms);
}

std::vector<const Member*> Membership::pick_random(std::size_t n,
                                                   const std::set<std::string>& exclude,
                                                   bool include_recent_dead,
                                                   std::uint64_t now_ms) {
  std::vector<const Member*> out;
  if (live_.size() <= n + exclude.size() + 4) {
    // Small cluster: partial Fisher-Yates over a copy.
    std::vector<const Member*> pool;
    for (const Member* m : live_) {
      if (exclude.count(m->name) == 0) pool.push_back(m);
    }
    std::size_t k = std::min(n, pool.size());
    for (std::size_t i = 0; i < k; ++i) {
      std::uniform_int_distribution<std::size_t> d(i, pool.size() - 1);
      std::swap(pool[i], pool[d(rng_)]);
    }
    pool.resize(k);
    out = std::move(pool);
  } else {
    // Large cluster: rejection sampling, O(n) expected.
    std::uniform_int_distribution<std::size_t> d(0, live_.size() - 1);
    for (std::size_t tries = 0; out.size() < n && tries < 8 * n + 16; ++tries) {
      const Member* m = live_[d(rng_)];
      if (exclude.count(m->name) != 0 || std::find(out.begin(), out.end(), m) != out.end()) continue;
      out.push_back(m);
    }
  }
  if (include_recent_dead && !recent_dead_.empty() && !out.empty()) {
    // Prune, then give freshly dead members their share of gossip (they may refute).
    std::erase_if(recent_dead_, [&](const auto& e) {
      const Member* m = find(e.first);
      return m == nullptr || m->state != MemberState::kDead ||
             now_ms >= e.second + config_.gossip_to_dead_ms;
    });
    std::size_t total = live_.size() + recent_dead_.size();
    if (!recent_dead_.empty() &&
        std::uniform_int_distribution<std::size_t>(0, total - 1)(rng_) < recent_dead_.size() * out.size()) {
      std::uniform_int_distribution<std::size_t> d(0, recent_dead_.size() - 1);
      out.back() = find(recent_dead_[d(rng_)].first);
    }
  }
  return out;
}

void Membership::gossip_round(std::uint64_t now_ms) {
  if (broadcasts_.empty()) return;
  for (const Member* m : pick_random(config_.gossip_nodes, {}, true, now_ms)) {
    if (broadcasts_.empty()) break;
    send(m->endpoints.gossip, {}, true);
  }
}

void Membership::reclaim(std::uint64_t now_ms) {
  if (config_.dead_reclaim_ms == 0 || now_ms < next_reclaim_ms_) return;
  next_reclaim_ms_ = now_ms + 1'000;
  std::vector<std::string> gone;
  for (const auto& [name, m] : members_) {
    bool down = m.state == MemberState::kDead || m.state == MemberState::kLeft;
    if (name != self_name_ && down && now_ms >= m.state_change_ms + config_.dead_reclaim_ms) {
      gone.push_back(name);
    }
  }
  for (const auto& name : gone) forget(name);
}

void Membership::forget(const std::string& name) {
  changed();
  if (auto it = members_.find(name); it != members_.end()) {
    track(it->second, true);
    if (it->second.state == MemberState::kDead) reach_dirty_ = true;
  }
  members_.erase(name);
  suspicions_.erase(name);
  reach_complete_.erase(name);
  reach_parts_.erase(name);
}

}  // namespace vsm::gossip
