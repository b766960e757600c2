// Reliable delivery on the reactor thread (DESIGN §3, docs/PROTOCOL.md §1.7): every
// Reliable subscription sees every event of its channels through its ReliableTracker
// (delivery/reliable_tracker.hpp), which orders and deduplicates them and asks for
// missing ranges; the RepairWorker (delivery/repair_worker.hpp) fetches those from the
// publishers' control endpoints, learned from hellos, and the answers come back here
// through the reactor. A full subscription queue pauses its streams (nothing dropped).
// What it keeps per publisher (its instances, acknowledgement state, its control
// endpoint in the repair worker) is bounded by
// NodeConfig::max_tracked_publishers, least recently heard from forgotten first.
// The other modes: BestEffort and LatestOnly are queue policies of the subscription
// (subscribe/subscription_state.hpp, delivery/delivery_modes.hpp).
// Thread-safety: reactor thread only, except start()/stop() (the node's owner) and
// breaker_states() (any thread).
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string_view>
#include <map>
#include <memory>
#include <string>

#include "core/hello.hpp"
#include "core/lru_table.hpp"
#include "core/node_counters.hpp"
#include "delivery/reliable_tracker.hpp"
#include "delivery/repair_worker.hpp"
#include "subscribe/subscriptions.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

class ReliableDelivery {
 public:
  // `post` runs a command on the reactor thread (false once the node closes);
  // `send_upstream` sends an acknowledgement frame to the publishers (reactor thread).
  ReliableDelivery(const NodeConfig& config, std::string instance, NodeCounters& counters,
                   Subscriptions& subs, std::function<bool(std::function<void()>)> post,
                   std::function<bool(std::string_view)> send_upstream);

  // Creates the repair worker (with `transport`, or the control-plane client when null).
  void start(std::unique_ptr<RepairTransport> transport = nullptr);
  // Stops the repair lanes; answers still in flight are dropped. Idempotent.
  void stop();

  // A live event on a channel `s` sequences (copied only when it is not the next in
  // order: the common case goes straight into the queue's spare slot).
  void feed(SubscriptionState& s, const Event& event);
  // Security on: repaired events pass the receivers' checks too (security/source_check.hpp;
  // `publisher` is the node whose control endpoint answered); those refused are left out
  // of the batch, so their range ends as a dead letter. Set before start(); reactor thread.
  void set_admit(std::function<bool(const Event&, std::string_view publisher)> admit) {
    admit_ = std::move(admit);
  }
  // Partition reconciliation: fetches [req.from, req.to] of req.publisher's req.channel
  // through the same repair lanes (req.reconcile set); the answer, less what the
  // receivers' checks refuse, goes to `sink` on the reactor thread. Sink set before start().
  using FetchSink = std::function<void(const RepairRequest&, Result<ReplayBatch>&)>;
  void set_fetch_sink(FetchSink sink) { fetch_sink_ = std::move(sink); }
  void fetch(RepairRequest req, std::chrono::milliseconds timeout);
  // A publisher's hello: where to repair from, and its heads per channel.
  void on_hello(const Hello& hello);
  // Once per reactor turn: resumes paused streams whose queue has room again, and
  // acknowledges progress to the publishers (core/ack.hpp) when due.
  void on_turn_end();

  std::map<std::string, BreakerState> breaker_states() const;
  std::size_t repair_lanes() const;

 private:
  // Executes a tracker's output: submits repairs, records dead letters, and hands the
  // ordered events that match the filter to the subscription queue. When the queue is
  // full the rest goes back to the tracker, which pauses those streams.
  void apply(SubscriptionState& s, TrackerOutput& out);
  static std::size_t approx_wire_bytes(const Event& e);
  void note_delivered(std::size_t bytes);
  void on_repair_done(const RepairRequest& req, Result<ReplayBatch> result);  // lane thread
  void finish_repair(const RepairRequest& req, Result<ReplayBatch>& result);
  void resume_paused();
  void send_acks(std::uint64_t now_ms);
  bool any_reliable() const;

  struct AckState {
    std::array<std::optional<std::uint64_t>, kChannelCount> sent;
    std::uint64_t sent_ms = 0;
  };
  // What the hellos of one publisher told us.
  struct PublisherRecord {
    std::string instance;  // the one we follow
    std::string previous;  // the one before it
    AckState ack;
  };
  // Adds what the trackers forgot since the last call to the node's counters.
  void count_tracker_state();

  const NodeConfig& config_;
  NodeCounters& counters_;
  Subscriptions& subs_;
  const std::string instance_;
  const std::function<bool(std::function<void()>)> post_;
  const std::function<bool(std::string_view)> send_upstream_;
  std::function<bool(const Event&, std::string_view)> admit_;
  FetchSink fetch_sink_;
  std::unique_ptr<RepairWorker> repairs_;
  TrackerOutput out_;  // scratch, reused
  LruTable<PublisherRecord> publishers_;  // from hellos
  bool resume_due_ = false;  // a Reliable queue may have room again
  std::uint64_t next_ack_ms_ = 0;
  std::uint64_t delivered_since_ack_ = 0;
  std::uint64_t bytes_since_ack_ = 0;
  std::string ack_buf_;
};

}  // namespace vsm::detail
