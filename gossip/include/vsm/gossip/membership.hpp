// Sans-I/O SWIM membership with Lifeguard extensions and memberlist-style piggybacking.
// Fed with datagrams and time; produces datagrams to send and membership events. It never
// blocks, reads clocks or touches sockets, so the same code runs under UdpDriver and the
// deterministic Simulator. Not thread-safe: one owner calls every method.
//
// Usage:
//   Membership m(config, self, seed);
//   m.join(now, {"10.0.0.1:7946"});
//   loop: m.receive(now, from, bytes) / m.tick(now);
//         for (auto& d : m.take_datagrams()) send(d.address, d.bytes);
//         for (auto& e : m.take_events()) handle(e);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/broadcast_queue.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/membership_config.hpp"
#include "vsm/gossip/message.hpp"
#include "vsm/gossip/stats.hpp"
#include "vsm/gossip/suspicion.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip {

// A datagram to send to `address` (a member's gossip endpoint or a seed address).
struct Datagram {
  std::string address;
  std::string bytes;
};

class Membership {
 public:
  // `self.name` must be non-empty and unique in the cluster; `self.endpoints.gossip` is the
  // address others send to. `seed` makes every random choice reproducible.
  Membership(MembershipConfig config, Member self, std::uint64_t seed);
  // Internal indexes point into the member table: movable, not copyable.
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;
  Membership(Membership&&) = default;
  Membership& operator=(Membership&&) = default;

  // Starts joining: push-pull requests go to every seed address, retried every
  // join_retry_interval_ms until one answers. With no seeds the node is a cluster of one.
  void join(std::uint64_t now_ms, std::vector<std::string> seed_addresses);
  // Graceful leave: broadcasts a leave; afterwards the node stops probing and refuting.
  // Keep ticking briefly (until pending_broadcasts() == 0) so the leave spreads.
  void leave(std::uint64_t now_ms);
  // Handles one received datagram; malformed or unauthenticated input is counted and dropped.
  void receive(std::uint64_t now_ms, std::string_view from_address, std::string_view datagram);
  // Advances timers (probes, suspicion, gossip, push-pull, join retries). Call at least
  // every ~10 ms; calling more often is harmless.
  void tick(std::uint64_t now_ms);
  // New endpoints/tags for this node: bumps the incarnation and gossips the change.
  // Error kTooLarge when the record would not fit a datagram.
  Status update_local(std::uint64_t now_ms, Endpoints endpoints,
                      std::map<std::string, std::string> tags);

  // Output accumulated since the last call, in order.
  std::vector<Datagram> take_datagrams();
  std::vector<MemberEvent> take_events();

  const Member& self() const;
  // Every known member including this node, sorted by name.
  std::vector<Member> members() const;
  const Member* find(std::string_view name) const;
  // Members in state alive or suspect, including this node.
  std::size_t live_count() const noexcept;
  // True once a seed answered (or when joining with no seeds).
  bool joined() const noexcept { return joined_; }
  bool leaving() const noexcept { return leaving_; }
  std::size_t pending_broadcasts() const noexcept { return broadcasts_.size(); }
  // Reachability reports received from other members: origin -> members it cannot reach.
  const std::map<std::string, std::set<std::string>>& reach_reports() const noexcept {
    return reach_complete_;
  }
  // Members this node cannot reach (state dead).
  const std::set<std::string>& local_unreachable() const noexcept { return local_unreachable_; }
  GossipStats stats() const;

 private:
  struct Probe {
    std::string target;
    std::uint64_t seq = 0;
    std::uint64_t direct_deadline_ms = 0;
    std::uint64_t end_ms = 0;
    bool acked = false;
    bool indirect_sent = false;
    std::uint32_t expected_nacks = 0;
    std::uint32_t nacks = 0;
  };
  struct Relay {  // a ping we send on behalf of a ping-req
    std::string origin_address;
    std::uint64_t origin_seq = 0;
    std::uint64_t deadline_ms = 0;
  };
  struct ReachAssembly {
    std::uint64_t version = 0;
    std::uint32_t chunks = 0;
    std::map<std::uint32_t, std::vector<std::string>> parts;
  };

  // membership.cpp: plumbing
  void dispatch(std::uint64_t now_ms, std::string_view from, Message& message);
  void send(const std::string& address, std::vector<std::string> primary, bool piggyback);
  void broadcast(const std::string& key, const Message& message);
  void emit(MemberEventKind kind, const Member& member);
  std::uint32_t retransmit_limit() const noexcept;
  std::uint64_t scaled(std::uint64_t ms) const noexcept;
  void adjust_health(int delta) noexcept;
  std::vector<const Member*> pick_random(std::size_t n, const std::set<std::string>& exclude,
                                         bool include_recent_dead, std::uint64_t now_ms);
  void gossip_round(std::uint64_t now_ms);
  void reclaim(std::uint64_t now_ms);
  void forget(const std::string& name);
  void changed() noexcept { live_dirty_ = true; }
  // Keeps live_ (alive/suspect members other than self) in step with `m.state`.
  void track(const Member& m, bool erase = false);

  // membership_probe.cpp: failure detector
  void probe_tick(std::uint64_t now_ms);
  void start_probe(std::uint64_t now_ms);
  void send_indirect(std::uint64_t now_ms);
  void finish_probe(std::uint64_t now_ms);
  void expire_relays(std::uint64_t now_ms);
  void expire_suspicions(std::uint64_t now_ms);
  void buddy_ping(const Member& suspect);
  void on_ping(std::string_view from, const Ping& m);
  void on_ping_req(std::uint64_t now_ms, std::string_view from, const PingReq& m);
  void on_ack(const Ack& m);
  void on_nack(const Nack& m);

  // membership_merge.cpp: state transitions
  void merge_alive(std::uint64_t now_ms, const Member& incoming);
  void merge_suspect(std::uint64_t now_ms, const Suspect& m);
  void merge_dead(std::uint64_t now_ms, const Dead& m, bool left);
  void refute(std::uint64_t now_ms, std::uint64_t accused_incarnation, const std::string& accuser);
  void start_suspicion(std::uint64_t now_ms, Member& member, const std::string& from);
  void set_state(std::uint64_t now_ms, Member& member, MemberState state);

  // membership_sync.cpp: push-pull, join, reachability
  void send_push_pull(const std::string& address, std::uint8_t flags, std::uint64_t request_id);
  void on_push_pull(std::uint64_t now_ms, std::string_view from, const PushPull& m);
  void sync_tick(std::uint64_t now_ms);
  void on_reach(const Reach& m);
  void update_reach(std::uint64_t now_ms, bool force);

  MembershipConfig config_;
  std::string self_name_;
  std::map<std::string, Member> members_;  // includes self
  std::mt19937_64 rng_;
  BroadcastQueue broadcasts_;
  std::vector<Datagram> out_;
  std::vector<MemberEvent> events_;
  GossipStats stats_;
  int health_ = 0;  // Lifeguard awareness score, 0 = healthy
  // Caches so per-tick work stays O(1) for large clusters (simulator with 10k nodes).
  mutable std::size_t live_cache_ = 0;
  mutable bool live_dirty_ = true;
  bool reach_dirty_ = true;
  // O(1) random sampling: live members (not self) and their positions; map nodes are stable.
  std::vector<const Member*> live_;
  std::map<const Member*, std::size_t> live_pos_;
  std::vector<std::pair<std::string, std::uint64_t>> recent_dead_;  // name, died at
  std::uint64_t next_reclaim_ms_ = 0;

  std::uint64_t next_seq_ = 1;
  std::optional<Probe> probe_;
  std::vector<std::string> probe_order_;
  std::size_t probe_index_ = 0;
  std::uint64_t next_probe_ms_ = 0;
  std::map<std::uint64_t, Relay> relays_;
  std::map<std::string, Suspicion> suspicions_;
  // Buddy pings to suspects: next send time per suspected member.
  std::map<std::string, std::uint64_t> buddy_at_;
  std::string current_from_;  // source address of the datagram being dispatched

  std::uint64_t next_gossip_ms_ = 0;
  std::uint64_t next_push_pull_ms_ = 0;
  std::uint64_t next_reconnect_ms_ = 0;
  std::vector<std::string> seeds_;
  std::uint64_t join_request_id_ = 0;
  std::uint64_t next_join_ms_ = 0;
  bool joined_ = false;
  bool leaving_ = false;
  std::map<std::string, std::uint64_t> answered_push_pull_;  // address -> request id

  std::set<std::string> local_unreachable_;
  std::uint64_t reach_version_ = 0;
  std::uint64_t next_reach_refresh_ms_ = 0;
  std::map<std::string, ReachAssembly> reach_parts_;
  std::map<std::string, std::set<std::string>> reach_complete_;
};

}  // namespace vsm::gossip
