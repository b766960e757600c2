// Sans-I/O SWIM membership with Lifeguard extensions and memberlist-style piggybacking.
// Fed with datagrams, push-pull stream frames and time; produces datagrams, push-pull
// exchanges to run and membership events. It never blocks, reads clocks or touches
// sockets, so the same code runs under UdpDriver and the deterministic Simulator.
// Memory is bounded by config.max_members whatever peers send. Not thread-safe: one
// owner calls every method.
//
// Usage:
//   Membership m(config, self, seed);
//   m.join(now, {"10.0.0.1:7946"});
//   loop: m.receive(now, from, bytes) / m.tick(now);
//         for (auto& d : m.take_datagrams()) send(d.address, d.bytes);
//         for (auto& s : m.take_stream_requests()) run_exchange(s);  // -> stream_reply/failed
//         for (auto& e : m.take_events()) handle(e);
//   on an accepted stream: if (auto reply = m.handle_stream(now, from, frame)) write(*reply);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/broadcast_queue.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/member_table.hpp"
#include "vsm/gossip/membership_config.hpp"
#include "vsm/gossip/message.hpp"
#include "vsm/gossip/network_filter.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/gossip/stats.hpp"
#include "vsm/gossip/suspicion.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip {

// A datagram to send to `address` (a member's gossip endpoint or a seed address).
struct Datagram {
  std::string address;
  std::string bytes;
};

// A push-pull exchange for the driver to run over a stream (TCP): connect to `address`,
// send `frame`, read one reply frame and pass it to stream_reply(id, ...); call
// stream_failed(id) when any step fails or push_pull_timeout_ms passes.
struct StreamRequest {
  std::uint64_t id = 0;
  std::string address;
  std::string frame;
};

// Sizes of every per-member structure (tests and benches check the memory bound).
struct MembershipFootprint {
  std::size_t members = 0;
  std::size_t suspicions = 0;
  std::size_t buddy_pings = 0;
  std::size_t broadcasts = 0;
  std::size_t relays = 0;
  std::size_t reach_reports = 0;
  std::size_t reach_names = 0;  // names across all reachability reports and assemblies
  std::size_t flaps = 0;
  std::size_t recent_dead = 0;
  std::size_t pending_streams = 0;
  std::size_t table_bytes = 0;   // MemberTable containers, records excluded
  std::size_t pool_records = 0;  // records in the (possibly shared) RecordPool
};

class Membership {
 public:
  // `self.name` must be non-empty and unique in the cluster; `self.endpoints.gossip` is the
  // address others send to. `seed` makes every random choice reproducible. `pool` may be
  // shared with other Memberships driven by the same thread (the Simulator does).
  Membership(MembershipConfig config, Member self, std::uint64_t seed,
             std::shared_ptr<RecordPool> pool = nullptr);
  // Internal indexes point into the member table: movable, not copyable.
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;
  Membership(Membership&&) = default;
  Membership& operator=(Membership&&) = default;

  // Error kInvalid for a config the protocol cannot run with (bad CIDR, zero limits).
  static Status validate(const MembershipConfig& config);

  // Starts joining: push-pull exchanges with every seed address, retried every
  // join_retry_interval_ms until one answers. With no seeds the node is a cluster of one.
  void join(std::uint64_t now_ms, std::vector<std::string> seed_addresses);
  // Graceful leave: broadcasts a leave; afterwards the node stops probing and refuting.
  // Keep ticking briefly (until pending_broadcasts() == 0) so the leave spreads.
  void leave(std::uint64_t now_ms);
  // Handles one received datagram; malformed, unauthenticated or not-allowed input is
  // counted and dropped.
  void receive(std::uint64_t now_ms, std::string_view from_address, std::string_view datagram);
  // Advances timers (probes, suspicion, gossip, push-pull, join retries, key expiry).
  // Call at least every ~10 ms; calling more often is harmless.
  void tick(std::uint64_t now_ms);
  // New endpoints/tags for this node: bumps the incarnation and gossips the change. An
  // empty `endpoints.gossip` keeps the current gossip address. Loopback and wildcard
  // hosts follow normalize_endpoints(). Error kTooLarge when the record would not fit a
  // datagram.
  Status update_local(std::uint64_t now_ms, Endpoints endpoints,
                      std::map<std::string, std::string> tags);
  // Seals with `next` from now on; the previous primary key still opens for
  // key_grace_ms. Error kInvalid without a keyring or for a conflicting key id.
  Status rotate_key(std::uint64_t now_ms, const Key& next);

  // Push-pull stream transport. Server side: a request frame read from an accepted
  // connection from `from_address`; returns the reply frame to write, or nullopt to
  // close without one (bad, refused or not-allowed request: counted).
  std::optional<std::string> handle_stream(std::uint64_t now_ms, std::string_view from_address,
                                           std::string_view frame);
  // Client side: the reply frame of exchange `id`, or its failure. Unknown ids are ignored.
  void stream_reply(std::uint64_t now_ms, std::uint64_t id, std::string_view frame);
  void stream_failed(std::uint64_t now_ms, std::uint64_t id);
  // Server side: the transport dropped an inbound request before it was complete
  // (kOversized length prefix, kTruncated stream, kNotAllowed peer). Counted like a
  // dropped datagram.
  void stream_dropped(DropReason reason) noexcept {
    stats_.dropped[static_cast<std::size_t>(reason)]++;
  }

  // Output accumulated since the last call, in order.
  std::vector<Datagram> take_datagrams();
  std::vector<StreamRequest> take_stream_requests();
  std::vector<MemberEvent> take_events();

  const Member& self() const { return self_; }
  // Every known member including this node, sorted by name.
  std::vector<Member> members() const;
  std::optional<Member> find(std::string_view name) const;
  std::optional<MemberState> state_of(std::string_view name) const;
  // Members in state alive or suspect, including this node.
  std::size_t live_count() const noexcept { return table_.live().size() + (leaving_ ? 0 : 1); }
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
  // One-way links found from probe outcomes (MembershipConfig::one_way_probes): members
  // this node hears directly but reaches only through ping-req. Sorted by `to`.
  std::vector<OneWayLink> one_way_links(std::uint64_t now_ms) const;
  const NetworkFilter& network_filter() const noexcept { return filter_; }
  const Keyring* keyring() const noexcept { return config_.keyring.get(); }
  GossipStats stats() const;
  MembershipFootprint footprint() const;

 private:
  using Slot = MemberTable::Slot;
  static constexpr Slot kNoSlot = MemberTable::kNoSlot;

  struct Probe {
    std::string target;
    std::uint64_t seq = 0;
    std::uint64_t direct_deadline_ms = 0;
    std::uint64_t end_ms = 0;
    bool acked = false;
    bool direct_ack = false;  // the ack came from the target's own address
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
  struct LinkWatch {  // direct vs indirect evidence about one member (one-way links)
    bool heard = false;
    std::uint64_t heard_ms = 0;          // last datagram from its own address naming it
    std::uint32_t indirect_only = 0;     // consecutive probes acked only through ping-req
    std::uint64_t last_indirect_ms = 0;
  };
  struct PendingSync {
    std::string address;
    bool join = false;
    std::uint64_t deadline_ms = 0;
  };

  // membership.cpp: plumbing
  void dispatch(std::uint64_t now_ms, std::string_view from, Message& message);
  void send(const std::string& address, std::vector<std::string> primary, bool piggyback);
  void broadcast(const std::string& key, const Message& message);
  void broadcast_alive(Slot s);
  void emit(MemberEventKind kind, Slot s);
  bool known_record(std::string_view name, std::uint64_t incarnation, MemberState state,
                    bool gossiped) const;
  // known_record() as a decoder callback (made per call: Membership is movable).
  SkipRecord skip_known(bool gossiped) const {
    return [this, gossiped](std::string_view n, std::uint64_t i, MemberState s) {
      return known_record(n, i, s, gossiped);
    };
  }
  void refresh_self();
  std::uint32_t retransmit_limit() const noexcept;
  std::uint64_t scaled(std::uint64_t ms) const noexcept;
  void adjust_health(int delta) noexcept;
  const std::string& address_of(Slot s) const { return table_.record(s).endpoints.gossip; }
  std::vector<Slot> pick_random(std::size_t n, Slot exclude, bool include_recent_dead,
                                std::uint64_t now_ms);
  void gossip_round(std::uint64_t now_ms);
  void expire_keys(std::uint64_t now_ms);

  // membership_admit.cpp: bounded state
  void build_filter(const std::vector<std::string>& seeds);
  bool accept_record(Member& record);
  Slot admit(std::uint64_t now_ms, const Member& record);
  bool make_room();
  void reclaim(std::uint64_t now_ms);
  void forget(Slot s);
  void note_dead(Slot s, std::uint64_t now_ms);

  // membership_probe.cpp: failure detector
  void probe_tick(std::uint64_t now_ms);
  void start_probe(std::uint64_t now_ms);
  void send_indirect(std::uint64_t now_ms);
  void finish_probe(std::uint64_t now_ms);
  void expire_relays(std::uint64_t now_ms);
  void expire_suspicions(std::uint64_t now_ms);
  void buddy_ping(Slot suspect);
  void on_ping(std::string_view from, const Ping& m);
  void on_ping_req(std::uint64_t now_ms, std::string_view from, const PingReq& m);
  void on_ack(const Ack& m);
  void on_nack(const Nack& m);
  void note_heard(std::uint64_t now_ms, std::string_view from, const std::string& name);
  void note_probe_outcome(std::uint64_t now_ms, const Probe& p);

  // membership_merge.cpp: state transitions
  // Where a record comes from: piggybacked gossip, a join reply (news about members
  // already held is gossiped on, new members are taken quietly), or another push-pull.
  enum class Source : std::uint8_t { kGossip, kJoinReply, kPushPull };
  void merge_alive(std::uint64_t now_ms, Member incoming, Source source);
  void merge_suspect(std::uint64_t now_ms, const Suspect& m);
  void merge_dead(std::uint64_t now_ms, const Dead& m, bool left);
  void refute(std::uint64_t now_ms, std::uint64_t accused_incarnation, const std::string& accuser);
  void start_suspicion(std::uint64_t now_ms, Slot s, const std::string& from);
  void set_state(std::uint64_t now_ms, Slot s, MemberState state);

  // membership_sync.cpp: push-pull over streams, join, reconnect
  void start_sync(std::uint64_t now_ms, const std::string& address, bool join);
  std::vector<Member> full_state() const;
  void merge_state(std::uint64_t now_ms, std::vector<Member>& records, Source source);
  void sync_tick(std::uint64_t now_ms);
  std::uint64_t next_push_pull_delay();
  std::uint64_t jittered(std::uint64_t ms);
  void reconnect(std::uint64_t now_ms);

  // membership_reach.cpp: reachability reports for the partition detector
  void on_reach(const Reach& m);
  void update_reach(std::uint64_t now_ms, bool force);
  std::uint32_t reach_chunk_limit() const noexcept;

  MembershipConfig config_;
  std::string self_name_;
  MemberTable table_;
  Slot self_slot_ = kNoSlot;
  Member self_;  // copy of this node's entry, refreshed on every change
  NetworkFilter filter_;
  std::mt19937_64 rng_;
  BroadcastQueue broadcasts_;
  std::vector<Datagram> out_;
  std::vector<StreamRequest> streams_out_;
  std::vector<MemberEvent> events_;
  GossipStats stats_;
  int health_ = 0;  // Lifeguard awareness score, 0 = healthy
  bool reach_dirty_ = true;
  std::vector<std::pair<std::string, std::uint64_t>> recent_dead_;  // name, died at
  std::uint64_t next_reclaim_ms_ = 0;

  std::uint64_t next_seq_ = 1;
  std::optional<Probe> probe_;
  std::size_t probe_index_ = 0;
  std::uint64_t next_probe_ms_ = 0;
  std::map<std::uint64_t, Relay> relays_;
  std::map<std::string, Suspicion> suspicions_;
  // Buddy pings to suspects: next send time per suspected member.
  std::map<std::string, std::uint64_t> buddy_at_;
  std::map<std::string, LinkWatch> links_;  // members held only (erased in forget())
  std::string current_from_;  // source address of the datagram being dispatched

  std::uint64_t next_gossip_ms_ = 0;
  std::uint64_t next_push_pull_ms_ = 0;
  std::uint64_t sync_backoff_ms_ = 0;  // follow-up push-pulls after joining; 0 = regular
  std::uint64_t next_reconnect_ms_ = 0;
  std::vector<std::string> seeds_;
  std::uint64_t next_join_ms_ = 0;
  bool joined_ = false;
  bool leaving_ = false;
  std::uint64_t next_stream_id_ = 1;
  std::map<std::uint64_t, PendingSync> pending_syncs_;

  std::set<std::string> local_unreachable_;
  std::uint64_t reach_version_ = 0;
  std::uint64_t next_reach_refresh_ms_ = 0;
  std::map<std::string, ReachAssembly> reach_parts_;
  std::map<std::string, std::set<std::string>> reach_complete_;
};

}  // namespace vsm::gossip
