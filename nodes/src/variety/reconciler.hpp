// Partition reconciliation (docs/VARIETY.md "Degraded mode"), on the receiving side.
// A publisher's heal announcement (audit, type partition_healing or partition_healthy,
// metadata degraded_ranges = channel -> [first, last]) names the seqs it published while
// degraded. For each channel this node tracks gaps on (a BestEffort/LatestOnly
// subscription takes every source of it: Subscriptions::whole_channel), the seqs of
// those ranges its gap tracking has not seen (receive/sequence_tracker.hpp) are fetched
// from the publisher's log or ring through the repair lanes (ReliableDelivery::fetch,
// the control-plane replay of docs/PROTOCOL.md §1.7) and delivered through `deliver`,
// in seq order, each only while still missing (so once, whether it arrives live or
// fetched), with metadata vsm.reconciled = 1. A live copy that arrives after its
// reconciled one (delayed past the announcement) is recognised by id (delivered()) and
// kept from those subscriptions. Reliable subscriptions repair their gaps themselves
// and get nothing from here. Announcements travel best-effort: one missed (the
// connection was not back yet) shows as a gap in the publisher's audit seqs (its later
// audit events or its hellos' heads); the missed audit events (at most
// kMaxAnnouncements) are fetched the same way and their heal announcements acted on.
// Bounded: per announcement at most reconcile_max_ranges ranges and reconcile_max_events
// seqs (what does not fit is counted in `truncated`), one fetch in flight per publisher,
// each with the deadline reconcile_timeout_ms, at most max_tracked_publishers publishers
// with pending ranges, reconciled ids remembered for at most reconcile_max_events ids
// and kRememberMs. A failed fetch is counted and its range given up (the gap stays).
// Thread-safety: reactor thread only, except fill_stats() (any thread).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/lru_table.hpp"
#include "delivery/reliable_tracker.hpp"
#include "receive/sequence_tracker.hpp"
#include "subscribe/subscriptions.hpp"
#include "vsm/control_client.hpp"
#include "vsm/dedup_window.hpp"
#include "vsm/node_config.hpp"
#include "vsm/variety.hpp"

namespace vsm::detail {

class Reconciler {
 public:
  using Fetch = std::function<void(RepairRequest, std::chrono::milliseconds timeout)>;
  using Deliver = std::function<void(const Event&)>;

  Reconciler(const NodeConfig& config, SequenceTracker& sequences, Subscriptions& subs,
             Fetch fetch, Deliver deliver);

  // The topic prefixes the node subscribes to for heal announcements (none when off).
  static std::vector<std::string> topic_prefixes(const NodeConfig& config);

  // A received audit event (after the gap tracking saw it): starts fetching when it is
  // a heal announcement with degraded ranges.
  void on_audit(const Event& event);
  // A hello of `publisher`: the last seq it sent on audit. Audit events of it not seen
  // (at most kMaxAnnouncements) are fetched for the heal announcements among them.
  void on_hello(const std::string& publisher, std::uint64_t audit_head);
  // The answer to one of this reconciler's fetches.
  void on_fetched(const RepairRequest& req, Result<ReplayBatch>& result);
  // True when a received `event` was already delivered reconciled (one hash lookup,
  // none while nothing was reconciled recently).
  bool delivered(const Event& event);
  static constexpr std::uint64_t kRememberMs = 60'000;
  static constexpr std::uint64_t kMaxAnnouncements = 16;

  void fill_stats(VarietyStats& s) const;

 private:
  struct Pending {
    Channel channel;
    SeqRange range;
    bool announcements;  // audit events fetched for their heal announcements
  };
  void follow_audit(const std::string& publisher, std::uint64_t head, bool head_seen);
  // Starts reconciling when `event` is a heal announcement with degraded ranges.
  void start(const Event& event);
  // Adds `publisher`'s missing parts of the announced ranges to its queue, within caps.
  void enqueue(const std::string& publisher, const std::map<Channel, SeqRange>& ranges);
  // Appends to `publisher`'s queue (within caps) and starts fetching when idle.
  void append(const std::string& publisher, std::deque<Pending>&& queue);
  void fetch_next(const std::string& publisher);
  void deliver_batch(const std::string& publisher, Channel channel, std::vector<Event>& events);

  const NodeConfig& config_;
  SequenceTracker& sequences_;
  Subscriptions& subs_;
  const Fetch fetch_;
  const Deliver deliver_;
  // Per publisher, the ranges still to fetch; the front one is in flight.
  std::map<std::string, std::deque<Pending>> pending_;
  DedupWindow delivered_ids_;
  LruTable<std::uint64_t> audit_seen_;  // publisher -> last audit seq seen or fetched
  std::atomic<std::uint64_t> reconciled_{0}, failed_{0}, truncated_{0};
};

}  // namespace vsm::detail
