// Deterministic in-process network of Membership state machines in virtual time, with
// seeded packet loss, delay, crashes and partitions. The same seed gives the same run.
// Push-pull exchanges run over simulated streams: reliable (no loss) with the same delay,
// failing after the requester's push_pull_timeout_ms across a partition or towards an
// unknown address, and after one delay towards a crashed node (connection refused).
// All nodes share one RecordPool, so memory grows with N * (members known) * ~40 bytes
// rather than N * members * record size. Used by the tests and gossip_bench. Not
// thread-safe; nothing here blocks.
//
//   Simulator sim({.seed = 7, .loss = 0.1});
//   for (int i = 0; i < 100; ++i) sim.add_node("n" + std::to_string(i), Role::kS1, {});
//   for (std::size_t i = 0; i < sim.size(); ++i) sim.join(i, {0});
//   bool ok = sim.run_until([&] { return sim.converged(); }, 30'000);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vsm/gossip/membership.hpp"
#include "vsm/gossip/partition_detector.hpp"

namespace vsm::gossip {

struct SimulatorConfig {
  std::uint64_t seed = 1;
  double loss = 0.0;               // probability that a datagram is dropped
  std::uint64_t min_delay_ms = 1;  // one-way delay, uniform in [min, max]
  std::uint64_t max_delay_ms = 5;
  std::uint64_t tick_ms = 10;      // how often every node's tick() runs
  bool partition_detection = false;  // run a PartitionDetector per node
  PartitionConfig partition{};
  std::uint64_t partition_eval_interval_ms = 100;
};

struct SimulatorStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_lost = 0;         // random loss
  std::uint64_t datagrams_partitioned = 0;  // dropped by a partition or a crashed receiver
  std::uint64_t bytes_sent = 0;
  std::uint64_t max_datagram_bytes = 0;
  std::uint64_t stream_exchanges = 0;  // push-pull requests started
  std::uint64_t stream_failures = 0;   // refused or timed out
  std::uint64_t stream_bytes = 0;      // request and reply frames
};

class Simulator {
 public:
  // Called for every membership event: (node index, virtual time, event).
  using EventHook = std::function<void(std::size_t, std::uint64_t, const MemberEvent&)>;
  using PartitionHook = std::function<void(std::size_t, std::uint64_t, const PartitionEvent&)>;

  explicit Simulator(SimulatorConfig config);

  // Adds a node (not running until join()); its address is its name. Returns its index.
  std::size_t add_node(std::string name, Role role, MembershipConfig config);
  void join(std::size_t node, const std::vector<std::size_t>& seeds);
  // Starts every node as if it had joined through a seed that already held the whole
  // membership: each node's join push-pull is answered with the same full-state reply
  // (every node alive), merged through the ordinary join path. For clusters so large
  // (10,000 nodes) that simulating N real joins, O(N^2 log N) piggybacked records, would
  // take too long. REQUIRES: no node running.
  void bootstrap();
  // The process dies: no more ticks, traffic to it is dropped.
  void crash(std::size_t node);
  // A fresh Membership (incarnation 0) under the same name, joining via `seeds`.
  void restart(std::size_t node, const std::vector<std::size_t>& seeds);
  void leave(std::size_t node);
  // Nodes in different groups cannot exchange datagrams. `group[i]` for node i.
  void set_groups(std::vector<int> group);
  // Datagrams from `from` to `to` are lost (the other direction still works): a
  // one-way link failure. heal() restores them too.
  void cut_one_way(std::size_t from, std::size_t to) { one_way_.insert({from, to}); }
  void heal() {
    groups_.clear();
    one_way_.clear();
  }
  void set_loss(double loss) { config_.loss = loss; }

  void run_for(std::uint64_t ms);
  // Runs until `done()` holds (checked every tick) or `max_ms` pass; returns done().
  bool run_until(const std::function<bool()>& done, std::uint64_t max_ms);

  std::uint64_t now_ms() const noexcept { return now_ms_; }
  std::size_t size() const noexcept { return nodes_.size(); }
  bool running(std::size_t node) const { return nodes_.at(node).running; }
  Membership& node(std::size_t i) { return *nodes_.at(i).membership; }
  const Membership& node(std::size_t i) const { return *nodes_.at(i).membership; }
  // REQUIRES: config.partition_detection
  const PartitionDetector& detector(std::size_t i) const { return *nodes_.at(i).detector; }
  const SimulatorStats& stats() const noexcept { return stats_; }

  // Every running node sees every running node as alive (and nothing else as live).
  bool converged() const;
  // Number of running nodes (other than `name` itself) that see `name` in `state`.
  std::size_t observers_seeing(const std::string& name, MemberState state) const;
  const RecordPool& record_pool() const noexcept { return *pool_; }

  void on_event(EventHook hook) { event_hook_ = std::move(hook); }
  void on_partition(PartitionHook hook) { partition_hook_ = std::move(hook); }

 private:
  struct Node {
    std::string name;
    Role role;
    MembershipConfig config;
    std::unique_ptr<Membership> membership;
    std::unique_ptr<PartitionDetector> detector;
    bool running = false;
    std::uint64_t generation = 0;  // bumped by restart(): stale stream replies are dropped
  };
  enum class Kind : std::uint8_t { kDatagram, kStreamRequest, kStreamReply, kStreamFailed };
  struct InFlight {
    std::uint64_t at_ms;
    std::uint64_t order;
    std::size_t to;
    std::size_t from;
    std::string bytes;
    Kind kind = Kind::kDatagram;
    std::uint64_t stream_id = 0;
    std::uint64_t generation = 0;  // of the requester, for stream traffic
    bool operator>(const InFlight& o) const {
      return at_ms != o.at_ms ? at_ms > o.at_ms : order > o.order;
    }
  };

  void reset_node(std::size_t i);
  void drain(std::size_t i);
  void drain_streams(std::size_t i);
  void deliver(InFlight& f);
  void deliver_stream(InFlight& f);
  void step();
  bool can_talk(std::size_t a, std::size_t b) const;
  std::uint64_t delay();
  void schedule(InFlight f);

  SimulatorConfig config_;
  std::mt19937_64 rng_;
  std::shared_ptr<RecordPool> pool_ = std::make_shared<RecordPool>();
  std::vector<Node> nodes_;
  std::map<std::string, std::size_t> by_address_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
  std::vector<int> groups_;
  std::uint64_t now_ms_ = 0;
  std::uint64_t order_ = 0;
  std::uint64_t next_eval_ms_ = 0;
  SimulatorStats stats_;
  EventHook event_hook_;
  PartitionHook partition_hook_;
  std::set<std::pair<std::size_t, std::size_t>> one_way_;  // (from, to) cut
};

}  // namespace vsm::gossip
