// Full-state push-pull over a stream transport (join and anti-entropy), join retries,
// and reconnects to dead members so the two sides of a healed partition meet again.
#include <algorithm>
#include <cmath>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {
namespace {

// Join requests to every seed plus a periodic and a reconnect exchange fit easily.
constexpr std::size_t kMaxPendingSyncs = 64;
// Follow-up push-pulls after a join: after join_sync_delay_ms, twice and four times that.
constexpr std::uint64_t kJoinFollowUps = 3;

}  // namespace

std::vector<Member> Membership::full_state() const {
  std::vector<Member> out;
  out.reserve(table_.size());
  table_.for_each([&](Slot s) { out.push_back(table_.member(s)); });
  return out;
}

void Membership::start_sync(std::uint64_t now_ms, const std::string& address, bool join) {
  if (address.empty() || pending_syncs_.size() >= kMaxPendingSyncs) return;
  const std::uint64_t id = next_stream_id_++;
  PushPull request{id, join ? format::kPushPullJoin : std::uint8_t{0}, 0, 1, full_state()};
  std::string frame = encode_stream_frame(request, config_.keyring.get());
  stats_.push_pulls_sent++;
  if (frame.size() > config_.push_pull_max_bytes) {
    stats_.push_pull_failures++;
    return;
  }
  stats_.stream_bytes_sent += frame.size();
  pending_syncs_[id] = PendingSync{address, join, now_ms + config_.push_pull_timeout_ms};
  streams_out_.push_back({id, address, std::move(frame)});
}

std::optional<std::string> Membership::handle_stream(std::uint64_t now_ms,
                                                     std::string_view from_address,
                                                     std::string_view frame) {
  stats_.stream_bytes_received += frame.size();
  if (!filter_.allows_address(from_address)) {
    stats_.dropped[static_cast<std::size_t>(DropReason::kNotAllowed)]++;
    return std::nullopt;
  }
  if (leaving_) return std::nullopt;
  DropReason reason = DropReason::kMalformed;
  auto request = decode_stream_frame(frame, config_.keyring.get(), now_ms,
                                     config_.push_pull_max_bytes, reason, skip_known(false));
  if (!request || (request.value().flags & format::kPushPullReply) != 0) {
    stats_.dropped[static_cast<std::size_t>(request ? DropReason::kMalformed : reason)]++;
    return std::nullopt;
  }
  PushPull& r = request.value();
  merge_state(now_ms, r.members, Source::kPushPull);
  stats_.push_pulls_answered++;
  PushPull reply{r.request_id, static_cast<std::uint8_t>(r.flags | format::kPushPullReply), 0, 1,
                 full_state()};
  std::string out = encode_stream_frame(reply, config_.keyring.get());
  if (out.size() > config_.push_pull_max_bytes) {
    stats_.push_pull_failures++;
    return std::nullopt;
  }
  stats_.stream_bytes_sent += out.size();
  return out;
}

void Membership::stream_reply(std::uint64_t now_ms, std::uint64_t id, std::string_view frame) {
  auto it = pending_syncs_.find(id);
  if (it == pending_syncs_.end()) return;  // timed out already
  const bool join = it->second.join;
  pending_syncs_.erase(it);
  stats_.stream_bytes_received += frame.size();
  DropReason reason = DropReason::kMalformed;
  auto reply = decode_stream_frame(frame, config_.keyring.get(), now_ms,
                                   config_.push_pull_max_bytes, reason, skip_known(false));
  const bool ok = reply && reply.value().request_id == id &&
                  (reply.value().flags & format::kPushPullReply) != 0;
  if (!ok) {
    stats_.dropped[static_cast<std::size_t>(reply ? DropReason::kMalformed : reason)]++;
    stats_.push_pull_failures++;
    return;
  }
  // A join reply is the seed's whole view: repeating every member in it to the cluster
  // would cost a joiner of a 1,000-member cluster ~16,000 piggybacked records of old
  // news. New members in it are merged quietly (the seed and whoever learned them by
  // gossip spread them); changes to members already known are gossiped as usual.
  merge_state(now_ms, reply.value().members, join ? Source::kJoinReply : Source::kPushPull);
  if (join && !joined_) {
    joined_ = true;
    // The seed's view is one instant's: members that joined at the same time are missing
    // from it. kJoinFollowUps exchanges with random members after join_sync_delay_ms,
    // twice and four times that (never beyond the regular interval) fill that gap.
    if (config_.join_sync_delay_ms != 0) {
      sync_backoff_ms_ = config_.join_sync_delay_ms;
      next_push_pull_ms_ = std::min(next_push_pull_ms_, now_ms + jittered(sync_backoff_ms_));
    }
  }
}

// 0.75-1.25 x `ms`, so nodes that joined together do not exchange state together.
std::uint64_t Membership::jittered(std::uint64_t ms) {
  return std::uniform_int_distribution<std::uint64_t>(ms - ms / 4, ms + ms / 4)(rng_);
}

void Membership::stream_failed(std::uint64_t, std::uint64_t id) {
  if (pending_syncs_.erase(id) != 0) stats_.push_pull_failures++;
}

void Membership::merge_state(std::uint64_t now_ms, std::vector<Member>& records,
                             Source source) {
  table_.reserve(std::min(config_.max_members, table_.size() + records.size()));
  for (Member& r : records) {
    const MemberState state = r.state;
    const std::string name = r.name;
    const std::uint64_t inc = r.incarnation;
    switch (state) {
      case MemberState::kAlive:
        merge_alive(now_ms, std::move(r), source);
        break;
      case MemberState::kSuspect:
        merge_alive(now_ms, std::move(r), source);
        merge_suspect(now_ms, {name, inc, "push-pull"});
        break;
      case MemberState::kDead:
        // Like memberlist: a remote "dead" only makes us suspect (we may know better),
        // but a node told it is dead refutes at once.
        if (name == self_name_) {
          merge_dead(now_ms, {name, inc, "push-pull"}, false);
        } else {
          merge_suspect(now_ms, {name, inc, "push-pull"});
        }
        break;
      case MemberState::kLeft:
        merge_dead(now_ms, {name, inc, name}, name != self_name_);
        break;
    }
  }
}

void Membership::sync_tick(std::uint64_t now_ms) {
  for (auto it = pending_syncs_.begin(); it != pending_syncs_.end();) {
    if (now_ms >= it->second.deadline_ms) {  // the driver should have reported it
      stats_.push_pull_failures++;
      it = pending_syncs_.erase(it);
    } else {
      ++it;
    }
  }
  if (!joined_ && !seeds_.empty() && now_ms >= next_join_ms_) {
    next_join_ms_ = now_ms + config_.join_retry_interval_ms;
    for (const auto& seed : seeds_) {
      const bool pending = std::any_of(pending_syncs_.begin(), pending_syncs_.end(),
                                       [&](const auto& p) { return p.second.address == seed; });
      if (!pending) start_sync(now_ms, seed, /*join=*/true);
    }
  }
  if (config_.push_pull_interval_ms != 0 && now_ms >= next_push_pull_ms_) {
    next_push_pull_ms_ = now_ms + next_push_pull_delay();
    auto peers = pick_random(1, kNoSlot, false, now_ms);
    if (!peers.empty()) start_sync(now_ms, address_of(peers[0]), false);
  }
  if (config_.reconnect_interval_ms != 0 && now_ms >= next_reconnect_ms_) {
    next_reconnect_ms_ = now_ms + config_.reconnect_interval_ms;
    reconnect(now_ms);
  }
}

std::uint64_t Membership::next_push_pull_delay() {
  // memberlist's scaling keeps full-state traffic flat as the cluster grows.
  const double n = static_cast<double>(live_count());
  const double scale = n > 32 ? std::ceil(std::log2(n) - 5.0) : 1.0;
  const auto regular = static_cast<std::uint64_t>(
      static_cast<double>(config_.push_pull_interval_ms) * std::max(1.0, scale));
  if (sync_backoff_ms_ != 0) {
    sync_backoff_ms_ *= 2;
    const std::uint64_t last = config_.join_sync_delay_ms << (kJoinFollowUps - 1);
    if (sync_backoff_ms_ <= last && sync_backoff_ms_ < regular) {
      return jittered(sync_backoff_ms_);
    }
    sync_backoff_ms_ = 0;  // the follow-ups after joining are done
  }
  return regular;
}

void Membership::reconnect(std::uint64_t now_ms) {
  if (table_.count(MemberState::kDead) == 0) return;
  std::vector<Slot> dead;
  table_.for_each([&](Slot s) {
    if (table_.entry(s).state == MemberState::kDead) dead.push_back(s);
  });
  std::uniform_int_distribution<std::size_t> d(0, dead.size() - 1);
  start_sync(now_ms, address_of(dead[d(rng_)]), false);
}

}  // namespace vsm::gossip
