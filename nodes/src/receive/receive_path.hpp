// What the reactor does with each received message (reactor/reactor.hpp calls it):
// fabric messages ('~' topics) are hellos, which update gap tracking and Reliable
// delivery, or other nodes' telemetry, handed to the telemetry sink (it copies them);
// events (one per frame, or a batch: vsm::FrameReader) are decoded into one reused Event,
// counted, merged into the HLC, timed (publish -> deliver latency from ts.wall_ms, one
// clock read per frame), checked for gaps (BestEffort counting,
// receive/sequence_tracker.hpp), deduplicated (algedonic copies, the optional id
// window), logged when log_received is set, and dispatched:
// Reliable subscriptions get a copy through their tracker, the others the matching
// events into their queues (subscribe/subscription_state.hpp).
// Variety (docs/VARIETY.md): fault injection may drop, delay, duplicate or reorder each
// event first (chaos/chaos_engine.hpp; held events are replayed from their single-event
// frames at the end of a turn); rate limits from an S3 reach the quota table
// (variety/bargain.hpp); while degraded, commands from outside the side's own S3/S5 are
// dropped (variety/degraded_mode.hpp); heal announcements start reconciliation
// (variety/reconciler.hpp), whose fetched events reach the non-Reliable subscriptions.
// Thread-safety: reactor thread only.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/node_counters.hpp"
#include "delivery/reliable_delivery.hpp"
#include "log/node_log.hpp"
#include "reactor/reactor.hpp"
#include "receive/sequence_tracker.hpp"
#include "security/source_check.hpp"
#include "subscribe/subscriptions.hpp"
#include "chaos/chaos_engine.hpp"
#include "variety/bargain.hpp"
#include "variety/degraded_mode.hpp"
#include "variety/reconciler.hpp"
#include "vsm/dedup_window.hpp"
#include "vsm/fault_gate.hpp"
#include "vsm/frame_reader.hpp"
#include "vsm/hlc.hpp"

namespace vsm::detail {

class ReceivePath final : public ReactorHandler {
 public:
  // What the variety features need on the receive path.
  struct Variety {
    ChaosEngine& chaos;
    DegradedMode& degraded;
    BargainReceiver& bargain;
  };
  ReceivePath(const NodeConfig& config, NodeCounters& counters, HybridClock& clock,
              Subscriptions& subs, ReliableDelivery& reliable, NodeLog& log,
              NodeSecurity& security, Variety variety);

  // Algedonic events also arrive on the UDP lane; `first_copy` says whether this is
  // the first copy of its id (set once, before the reactor starts).
  void set_algedonic_filter(std::function<bool(const Event&)> first_copy) {
    first_algedonic_copy_ = std::move(first_copy);
  }

  // Other nodes' telemetry frames (`~vsm/tel/...`) go to `sink` (set once, before the
  // reactor starts; it must not block).
  void set_telemetry_sink(std::function<void(std::string_view frame)> sink) {
    telemetry_ = std::move(sink);
  }

  void on_message(std::string_view frame, std::string_view peer) override;
  void on_batch_end() override;
  void on_turn_end() override;

  // Hands `event` to the matching subscriptions (also alerts first seen on the lane):
  // all of them, only the Reliable ones (a late live copy of a reconciled event) or
  // only the BestEffort/LatestOnly ones (a reconciled event).
  enum class To { kAll, kReliable, kOthers };
  void dispatch(const Event& event, To to = To::kAll);
  void fill_stats(VarietyStats& s) const { reconciler_.fill_stats(s); }
  // The receivers' checks (security on) for an event fetched by gap repair from
  // `publisher`'s control endpoint (reactor thread).
  bool admit_repaired(const Event& event, std::string_view publisher) {
    return source_check_.admit(event, publisher);
  }

 private:
  void on_hello(std::string_view body, std::string_view peer);
  void deliver(const Event& event, const FrameReader& from);
  void inject(const Event& event);           // fault injection on one event
  void replay(std::string_view frame);       // a held event's single-event frame
  bool is_duplicate(const Event& event);
  // Publishes the gap tracker's size and evictions to the counters (NodeStats).
  void count_sequence_state();

  const NodeConfig& config_;
  NodeCounters& counters_;
  HybridClock& clock_;
  Subscriptions& subs_;
  ReliableDelivery& reliable_;
  NodeLog& log_;
  NodeSecurity& security_;
  SourceCheck source_check_;  // security on: every event and hello
  Variety variety_;
  std::function<bool(const Event&)> first_algedonic_copy_;
  std::function<void(std::string_view)> telemetry_;
  std::int64_t frame_now_us_ = 0;  // Unix us when the current frame arrived
  SequenceTracker sequences_;  // bounded: NodeConfig::max_tracked_publishers
  Reconciler reconciler_;      // after sequences_, which it uses
  std::uint64_t reported_evictions_ = 0;
  std::unique_ptr<DedupWindow> dedup_;  // null when disabled
  FrameReader reader_;  // reused for every received frame
  Event rx_;            // every received event is decoded into this one
  FaultGate gate_;      // held events (fault injection)
  FrameReader held_reader_;
  Event held_rx_;
};

}  // namespace vsm::detail
