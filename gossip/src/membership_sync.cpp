// Full-state push-pull (join and anti-entropy), join retries, reconnect to dead members
// after partitions, and the reachability reports used by the partition detector.
#include <algorithm>
#include <cmath>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {
namespace {

// Room for the push-pull/reach header fields inside one datagram.
constexpr std::size_t kChunkHeaderBytes = 48;

std::size_t chunk_budget(bool sealed) {
  return format::kMaxDatagramBytes - datagram_overhead(1, sealed) - kChunkHeaderBytes;
}

}  // namespace

void Membership::send_push_pull(const std::string& address, std::uint8_t flags,
                                std::uint64_t request_id) {
  const std::size_t budget = chunk_budget(config_.keyring != nullptr);
  std::vector<std::vector<Member>> chunks(1);
  std::size_t used = 0;
  for (const auto& [name, m] : members_) {
    // The alive encoding is one byte shorter than a state record (no state field).
    std::size_t size = encode_message(Alive{m}).size() + 1;
    if (used + size > budget && !chunks.back().empty()) {
      chunks.emplace_back();
      used = 0;
    }
    chunks.back().push_back(m);
    used += size;
  }
  const auto total = static_cast<std::uint32_t>(chunks.size());
  for (std::uint32_t i = 0; i < total; ++i) {
    PushPull p{request_id, flags, i, total, std::move(chunks[i])};
    send(address, {encode_message(p)}, false);
  }
  stats_.push_pulls_sent++;
}

void Membership::on_push_pull(std::uint64_t now_ms, std::string_view from, const PushPull& m) {
  const bool reply = (m.flags & format::kPushPullReply) != 0;
  if (reply && m.request_id == join_request_id_) joined_ = true;
  for (const Member& r : m.members) {
    switch (r.state) {
      case MemberState::kAlive:
        merge_alive(now_ms, r);
        break;
      case MemberState::kSuspect:
        merge_alive(now_ms, r);
        merge_suspect(now_ms, {r.name, r.incarnation, "push-pull"});
        break;
      case MemberState::kDead:
        // Like memberlist: a remote "dead" only makes us suspect (we may know better),
        // but a node told it is dead refutes at once.
        if (r.name == self_name_) {
          merge_dead(now_ms, {r.name, r.incarnation, "push-pull"}, false);
        } else {
          merge_suspect(now_ms, {r.name, r.incarnation, "push-pull"});
        }
        break;
      case MemberState::kLeft:
        if (r.name == self_name_) {
          merge_dead(now_ms, {r.name, r.incarnation, r.name}, false);
        } else {
          merge_dead(now_ms, {r.name, r.incarnation, r.name}, true);
        }
        break;
    }
  }
  if (reply) return;
  std::string address(from);
  auto answered = answered_push_pull_.find(address);
  if (answered != answered_push_pull_.end() && answered->second == m.request_id) return;
  answered_push_pull_[address] = m.request_id;
  if (answered_push_pull_.size() > 4096) answered_push_pull_.erase(answered_push_pull_.begin());
  send_push_pull(address, static_cast<std::uint8_t>(m.flags | format::kPushPullReply),
                 m.request_id);
}

void Membership::sync_tick(std::uint64_t now_ms) {
  if (!joined_ && !seeds_.empty() && now_ms >= next_join_ms_) {
    next_join_ms_ = now_ms + config_.join_retry_interval_ms;
    for (const auto& seed : seeds_) send_push_pull(seed, format::kPushPullJoin, join_request_id_);
  }
  if (config_.push_pull_interval_ms != 0 && now_ms >= next_push_pull_ms_) {
    // memberlist's scaling keeps full-state traffic flat as the cluster grows.
    double n = static_cast<double>(live_count());
    double scale = n > 32 ? std::ceil(std::log2(n) - 5.0) : 1.0;
    next_push_pull_ms_ =
        now_ms + static_cast<std::uint64_t>(static_cast<double>(config_.push_pull_interval_ms) *
                                            std::max(1.0, scale));
    auto peers = pick_random(1, {}, false, now_ms);
    if (!peers.empty()) send_push_pull(peers[0]->endpoints.gossip, 0, rng_() >> 1);
  }
  if (config_.reconnect_interval_ms != 0 && now_ms >= next_reconnect_ms_) {
    next_reconnect_ms_ = now_ms + config_.reconnect_interval_ms;
    std::vector<const Member*> dead;
    for (const auto& [name, m] : members_) {
      if (m.state == MemberState::kDead) dead.push_back(&m);
    }
    if (!dead.empty()) {
      std::uniform_int_distribution<std::size_t> d(0, dead.size() - 1);
      send_push_pull(dead[d(rng_)]->endpoints.gossip, 0, rng_() >> 1);
    }
  }
}

void Membership::on_reach(const Reach& m) {
  if (m.origin == self_name_ || members_.count(m.origin) == 0) return;
  ReachAssembly& a = reach_parts_[m.origin];
  if (m.version < a.version) return;
  if (m.version > a.version || a.chunks != m.chunks) {
    a = ReachAssembly{m.version, m.chunks, {}};
  }
  if (!a.parts.emplace(m.chunk, m.unreachable).second) return;  // already known
  broadcast("reach/" + m.origin + "/" + std::to_string(m.chunk), m);
  if (a.parts.size() != a.chunks) return;
  std::set<std::string> all;
  for (const auto& [i, names] : a.parts) all.insert(names.begin(), names.end());
  reach_complete_[m.origin] = std::move(all);
}

void Membership::update_reach(std::uint64_t now_ms, bool force) {
  const bool refresh = config_.reach_refresh_interval_ms != 0 && reach_version_ != 0 &&
                       now_ms >= next_reach_refresh_ms_;
  if (!reach_dirty_ && !refresh && !force) return;
  reach_dirty_ = false;
  std::set<std::string> now_unreachable;
  for (const auto& [name, m] : members_) {
    if (m.state == MemberState::kDead) now_unreachable.insert(name);
  }
  const bool changed = now_unreachable != local_unreachable_;
  if (!changed && !refresh && !force) return;
  if (changed) {
    local_unreachable_ = std::move(now_unreachable);
    // Versions must survive restarts of the origin, so they follow the clock.
    reach_version_ = std::max(reach_version_ + 1, now_ms);
  }
  next_reach_refresh_ms_ = now_ms + config_.reach_refresh_interval_ms;
  const std::size_t budget = chunk_budget(config_.keyring != nullptr);
  std::vector<std::vector<std::string>> chunks(1);
  std::size_t used = 0;
  for (const auto& name : local_unreachable_) {
    if (used + name.size() + 2 > budget && !chunks.back().empty()) {
      chunks.emplace_back();
      used = 0;
    }
    chunks.back().push_back(name);
    used += name.size() + 2;
  }
  const auto total = static_cast<std::uint32_t>(chunks.size());
  for (std::uint32_t i = 0; i < total; ++i) {
    broadcast("reach/" + self_name_ + "/" + std::to_string(i),
              Reach{self_name_, reach_version_, i, total, std::move(chunks[i])});
  }
}

}  // namespace vsm::gossip
