// Membership plumbing: construction, dispatch, output, gossip rounds, key rotation. The
// failure detector, state merges, bounded state, push-pull and reachability live in
// membership_{probe,merge,admit,sync,reach}.cpp.
#include "vsm/gossip/membership.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "vsm/gossip/advertise.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"

namespace vsm::gossip {

Membership::Membership(MembershipConfig config, Member self, std::uint64_t seed,
                       std::shared_ptr<RecordPool> pool)
    : config_(std::move(config)), self_name_(self.name), table_(std::move(pool)), rng_(seed) {
  assert(!self_name_.empty());
  table_.seed_placement(rng_());
  self.state = MemberState::kAlive;
  EndpointRewrite r = normalize_endpoints(self.endpoints);
  stats_.endpoints_substituted += r.rewritten;
  stats_.endpoints_omitted += r.omitted;
  self_slot_ = table_.insert(self);
  table_.set_self(self_slot_);
  refresh_self();
  build_filter({});
}

// Records that merging would not change: most piggybacked and push-pull records are such
// repeats, so they are not even decoded. Exactly the no-op cases of merge_alive(),
// merge_suspect() and merge_dead() as merge_state() applies them.
bool Membership::known_record(std::string_view name, std::uint64_t incarnation,
                              MemberState state, bool gossiped) const {
  const Slot s = table_.find(name);
  if (s == kNoSlot || s == self_slot_) return false;
  const MemberTable::Entry& e = table_.entry(s);
  if (incarnation != e.incarnation) return incarnation < e.incarnation;
  if (state == MemberState::kAlive) {
    return !(gossiped && e.quiet && e.state == MemberState::kAlive);  // see merge_alive()
  }
  return state == e.state && state != MemberState::kSuspect;  // suspects confirm
}

Status Membership::validate(const MembershipConfig& c) {
  if (!c.allowed_networks.empty()) {
    if (auto f = NetworkFilter::parse(c.allowed_networks); !f) return std::move(f).error();
  }
  if (c.max_members < 2) return Error::invalid("gossip max_members must be at least 2");
  if (c.probe_interval_ms == 0 || c.gossip_interval_ms == 0) {
    return Error::invalid("gossip probe_interval_ms and gossip_interval_ms must be > 0");
  }
  if (c.push_pull_max_bytes < format::kMinFrameLimitBytes) {
    return Error::invalid("gossip push_pull_max_bytes must be at least " +
                          std::to_string(format::kMinFrameLimitBytes));
  }
  return {};
}

void Membership::join(std::uint64_t now_ms, std::vector<std::string> seed_addresses) {
  std::erase(seed_addresses, self_.endpoints.gossip);
  seeds_ = std::move(seed_addresses);
  build_filter(seeds_);
  joined_ = seeds_.empty();
  next_join_ms_ = now_ms;  // first attempt on the next tick
  next_probe_ms_ = now_ms + config_.probe_interval_ms;
  next_gossip_ms_ = now_ms + config_.gossip_interval_ms;
  // Like memberlist, the first periodic push-pull is staggered over one interval, so a
  // cluster started at once does not exchange full state in one wave.
  next_push_pull_ms_ =
      now_ms + std::uniform_int_distribution<std::uint64_t>(0, config_.push_pull_interval_ms)(rng_);
  next_reconnect_ms_ = now_ms + config_.reconnect_interval_ms;
  tick(now_ms);
}

void Membership::leave(std::uint64_t now_ms) {
  if (leaving_) return;
  leaving_ = true;
  set_state(now_ms, self_slot_, MemberState::kLeft);
  Leave msg{self_name_, self_.incarnation};
  broadcast(self_name_, msg);
  // Tell a handful directly so the leave does not depend on the next gossip round.
  std::string encoded = encode_message(msg);
  for (Slot s : pick_random(2 * config_.gossip_nodes + 2, kNoSlot, false, now_ms)) {
    send(address_of(s), {encoded}, true);
  }
}

void Membership::receive(std::uint64_t now_ms, std::string_view from_address,
                         std::string_view datagram) {
  stats_.datagrams_received++;
  stats_.bytes_received += datagram.size();
  if (!filter_.allows_address(from_address)) {
    stats_.dropped[static_cast<std::size_t>(DropReason::kNotAllowed)]++;
    return;
  }
  DropReason reason = DropReason::kMalformed;
  auto decoded = decode_datagram(datagram, config_.keyring.get(), now_ms, reason, skip_known(true));
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
        if constexpr (std::is_same_v<T, Ping>) {
          note_heard(now_ms, from, m.source);
          on_ping(from, m);
        } else if constexpr (std::is_same_v<T, PingReq>) {
          note_heard(now_ms, from, m.source);
          on_ping_req(now_ms, from, m);
        } else if constexpr (std::is_same_v<T, Ack>) {
          note_heard(now_ms, from, m.source);
          on_ack(m);
        }
        else if constexpr (std::is_same_v<T, Nack>) on_nack(m);
        else if constexpr (std::is_same_v<T, Alive>) merge_alive(now_ms, std::move(m.member), Source::kGossip);
        else if constexpr (std::is_same_v<T, Suspect>) merge_suspect(now_ms, m);
        else if constexpr (std::is_same_v<T, Dead>) merge_dead(now_ms, m, m.from == m.name);
        else if constexpr (std::is_same_v<T, Leave>) merge_dead(now_ms, {m.name, m.incarnation, m.name}, true);
        else if constexpr (std::is_same_v<T, Reach>) on_reach(m);
        // PushPull never arrives here: decode_datagram refuses it.
      },
      message);
}

void Membership::tick(std::uint64_t now_ms) {
  expire_relays(now_ms);
  expire_keys(now_ms);
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
  Member candidate = self_;
  if (endpoints.gossip.empty()) endpoints.gossip = self_.endpoints.gossip;
  candidate.endpoints = std::move(endpoints);
  candidate.tags = std::move(tags);
  candidate.incarnation++;
  EndpointRewrite r = normalize_endpoints(candidate.endpoints);
  if (encode_message(Alive{candidate}).size() > format::kMaxRecordBytes) {
    return Error::too_large("member record exceeds " + std::to_string(format::kMaxRecordBytes) +
                            " bytes; use fewer or shorter tags/endpoints");
  }
  stats_.endpoints_substituted += r.rewritten;
  stats_.endpoints_omitted += r.omitted;
  table_.set_record(self_slot_, candidate);
  table_.set_incarnation(self_slot_, candidate.incarnation);
  table_.set_state(self_slot_, self_.state, now_ms);
  refresh_self();
  broadcast_alive(self_slot_);
  return {};
}

Status Membership::rotate_key(std::uint64_t now_ms, const Key& next) {
  if (!config_.keyring) return Error::invalid("gossip key rotation needs a keyring");
  auto rotated = config_.keyring->rotated(next, now_ms, config_.key_grace_ms);
  if (!rotated) return std::move(rotated).error();
  config_.keyring = std::make_shared<const Keyring>(std::move(rotated).value());
  return {};
}

void Membership::expire_keys(std::uint64_t now_ms) {
  if (!config_.keyring) return;
  auto expiry = config_.keyring->next_expiry_ms();
  if (expiry && now_ms >= *expiry) {
    config_.keyring = std::make_shared<const Keyring>(config_.keyring->pruned(now_ms));
  }
}

std::vector<Datagram> Membership::take_datagrams() { return std::exchange(out_, {}); }
std::vector<StreamRequest> Membership::take_stream_requests() {
  return std::exchange(streams_out_, {});
}
std::vector<MemberEvent> Membership::take_events() { return std::exchange(events_, {}); }

std::vector<Member> Membership::members() const {
  std::vector<Member> out;
  out.reserve(table_.size());
  table_.for_each([&](Slot s) { out.push_back(table_.member(s)); });
  std::sort(out.begin(), out.end(), [](const Member& a, const Member& b) { return a.name < b.name; });
  return out;
}

std::optional<Member> Membership::find(std::string_view name) const {
  Slot s = table_.find(name);
  if (s == kNoSlot) return std::nullopt;
  return table_.member(s);
}

std::optional<MemberState> Membership::state_of(std::string_view name) const {
  Slot s = table_.find(name);
  if (s == kNoSlot) return std::nullopt;
  return table_.entry(s).state;
}

GossipStats Membership::stats() const {
  GossipStats s = stats_;
  s.health_score = health_;
  return s;
}

void Membership::refresh_self() { self_ = table_.member(self_slot_); }

void Membership::send(const std::string& address, std::vector<std::string> primary,
                      bool piggyback) {
  if (address.empty()) return;
  const bool sealed = config_.keyring != nullptr;
  std::string payload;
  for (const auto& p : primary) payload += p;
  std::size_t count = primary.size();
  if (piggyback) {
    // Reserve the worst-case array header growth (1 -> 3 bytes).
    std::size_t overhead = datagram_overhead(format::kMaxMessagesPerDatagram, sealed);
    if (payload.size() + overhead < format::kMaxDatagramBytes) {
      count += broadcasts_.take(format::kMaxDatagramBytes - overhead - payload.size(),
                                format::kMaxMessagesPerDatagram - count, retransmit_limit(),
                                payload);
    }
  }
  if (count == 0) return;
  std::string bytes = encode_datagram(count, payload, config_.keyring.get());
  assert(bytes.size() <= format::kMaxDatagramBytes);
  stats_.datagrams_sent++;
  stats_.bytes_sent += bytes.size();
  out_.push_back({address, std::move(bytes)});
}

void Membership::broadcast(const std::string& key, const Message& message) {
  broadcasts_.push(key, encode_message(message));
}

void Membership::broadcast_alive(Slot s) { broadcast(table_.name(s), Alive{table_.member(s)}); }

void Membership::emit(MemberEventKind kind, Slot s) { events_.push_back({kind, table_.member(s)}); }

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

std::vector<Membership::Slot> Membership::pick_random(std::size_t n, Slot exclude,
                                                      bool include_recent_dead,
                                                      std::uint64_t now_ms) {
  const std::vector<Slot>& live = table_.live();
  std::vector<Slot> out;
  if (live.size() <= n + 5) {
    // Small cluster: partial Fisher-Yates over a copy.
    std::vector<Slot> pool;
    for (Slot s : live) {
      if (s != exclude) pool.push_back(s);
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
    std::uniform_int_distribution<std::size_t> d(0, live.size() - 1);
    for (std::size_t tries = 0; out.size() < n && tries < 8 * n + 16; ++tries) {
      Slot s = live[d(rng_)];
      if (s == exclude || std::find(out.begin(), out.end(), s) != out.end()) continue;
      out.push_back(s);
    }
  }
  if (include_recent_dead && !recent_dead_.empty() && !out.empty()) {
    // Prune, then give freshly dead members their share of gossip (they may refute).
    std::erase_if(recent_dead_, [&](const auto& e) {
      Slot s = table_.find(e.first);
      return s == kNoSlot || table_.entry(s).state != MemberState::kDead ||
             now_ms >= e.second + config_.gossip_to_dead_ms;
    });
    std::size_t total = live.size() + recent_dead_.size();
    if (!recent_dead_.empty() &&
        std::uniform_int_distribution<std::size_t>(0, total - 1)(rng_) < recent_dead_.size() * out.size()) {
      std::uniform_int_distribution<std::size_t> d(0, recent_dead_.size() - 1);
      out.back() = table_.find(recent_dead_[d(rng_)].first);
    }
  }
  return out;
}

void Membership::gossip_round(std::uint64_t now_ms) {
  if (broadcasts_.empty()) return;
  for (Slot s : pick_random(config_.gossip_nodes, kNoSlot, true, now_ms)) {
    if (broadcasts_.empty()) break;
    send(address_of(s), {}, true);
  }
}

}  // namespace vsm::gossip
