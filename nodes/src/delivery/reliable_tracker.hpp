// Sans-I/O core of Reliable delivery for one subscription: per (publisher, channel)
// stream it delivers events in sequence order without duplicates, buffers events that
// arrive after a gap, asks for the missing range, and turns ranges that cannot be
// repaired into dead letters. Time and I/O stay outside: the node feeds it events,
// repair results and publisher "hello" heads, and executes the RepairRequests it emits.
// A publisher's new instance either continues its sequences (it has a log) or starts
// them over (docs/PROTOCOL.md §1.6); the hello says which. Bounded: streams of at most
// `max_publishers` publishers, the least recently heard from forgotten first (what a
// forgotten stream still owed becomes a dead letter; streams created after that start
// at their first live event, so a forgotten stream never re-delivers its history).
// Thread-safety: none; owned by the node's reactor thread.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/lru_table.hpp"
#include "vsm/event.hpp"
#include "vsm/subscription.hpp"

namespace vsm::detail {

struct RepairRequest {
  std::uint64_t subscription = 0;  // set by the node: which subscription asked
  std::string publisher;
  Channel channel;
  std::uint64_t from;
  std::uint64_t to;
  int attempt = 0;          // 0 = first try; retries back off in the worker
  // Non-zero: not a range but "which seq is the first at/after this wall time" (the
  // answer's first event, none = nothing that recent).
  std::uint64_t start_time_ms = 0;
  std::uint64_t epoch = 0;  // stream generation: answers for an older one are ignored
  // Not a subscription's gap but a fetch for partition reconciliation
  // (ReliableDelivery::fetch()): the answer goes to the fetch sink.
  bool reconcile = false;
};

// What a publisher's hello says about one of its channels (docs/PROTOCOL.md §1.6).
struct HelloHead {
  std::uint64_t last = 0;     // the last seq it has sent
  bool new_instance = false;  // its instance differs from the one heard before
  // Its instance numbers the channel after this seq (0: from 1, a new stream); empty
  // when the hello does not say (then a head below what was delivered means a restart).
  std::optional<std::uint64_t> base;
};

struct TrackerOutput {
  std::vector<Event> deliver;          // in order, ready for the subscription queue
  std::vector<RepairRequest> repairs;  // ranges to fetch from publishers
  std::vector<DeadLetter> dead;        // ranges given up
};

class ReliableTracker {
 public:
  // `start_seq` 0: start at the first live event of each stream; n > 0: start every
  // stream at seq n (1 = full retained history, then live).
  // `start_time_ms` (instead of start_seq): start each stream at its first event at or
  // after that wall time, resolved by a RepairRequest with start_time_ms set.
  // `max_publishers` (> 0): publishers whose streams are remembered.
  ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered, int max_attempts,
                  std::uint64_t start_time_ms = 0, std::size_t max_publishers = 4'096);

  void on_live(Event&& event, TrackerOutput& out);
  // The common case without a copy: when `event` is exactly the next seq of a running
  // stream (started, not paused, nothing held or being resolved), advances the stream
  // and returns true: the caller delivers `event` itself (and calls on_refused() with a
  // copy if the queue refuses it). Otherwise false: use on_live().
  bool take_in_order(const Event& event);
  // A publisher announced its last sent seq on a channel (tail-loss detection) and,
  // with a new instance, whether it continues the stream: a new instance numbering from
  // 1 starts a new stream (delivered from seq 1); one continuing after `base` is the
  // same stream (what it logged but never sent is repaired), and if both `base` and its
  // head are below what was delivered (its log lost a tail) delivery goes on from
  // base + 1. A head below what was delivered is otherwise normal (heads lag the stream).
  void on_head(const std::string& publisher, Channel channel, const HelloHead& head,
               TrackerOutput& out);
  // Result of a RepairRequest: events (any order, may be partial), and the oldest seq
  // the publisher still retains (0 = none).
  void on_repaired(const RepairRequest& req, std::vector<Event>&& events, std::uint64_t oldest,
                   TrackerOutput& out);
  // A RepairRequest failed (timeout, breaker open, unknown control endpoint).
  void on_repair_failed(const RepairRequest& req, const std::string& reason, TrackerOutput& out);

  // Answer to a start-time request: the first seq at/after the time, 0 = none.
  void on_resolved(const RepairRequest& req, std::uint64_t first_seq, TrackerOutput& out);

  // Backpressure from a full subscription queue: `event` (handed out in `deliver`) was
  // not accepted. Its stream goes back to it and pauses: the event and later arrivals are
  // held (within max_buffered; beyond that the newest are dropped and fetched again
  // later) until resume(). Call it for every refused event, in delivery order.
  void on_refused(Event&& event);
  // The subscription queue has room again: delivers what paused streams hold and
  // requests whatever they had to drop.
  void resume(TrackerOutput& out);
  bool paused() const noexcept { return paused_streams_ > 0; }

  std::uint64_t duplicates() const noexcept { return duplicates_; }
  // Duplicates dropped since the previous call.
  std::uint64_t take_duplicates() noexcept {
    const std::uint64_t n = duplicates_ - reported_duplicates_;
    reported_duplicates_ = duplicates_;
    return n;
  }
  std::size_t buffered() const noexcept { return buffered_; }
  std::size_t publishers() const noexcept { return publishers_.size(); }
  std::uint64_t evictions() const noexcept { return publishers_.evictions(); }
  // Publishers forgotten since the previous call.
  std::uint64_t take_evictions() noexcept {
    const std::uint64_t n = evictions() - reported_evictions_;
    reported_evictions_ = evictions();
    return n;
  }
  // Streams moved back because a continuing publisher's log lost a tail (base + 1 below
  // what was delivered).
  std::uint64_t rewinds() const noexcept { return rewinds_; }
  // The last seq of `publisher`'s `channel` handed out for delivery (0: none yet, or
  // not started): what the node acknowledges to the publisher (core/ack.hpp).
  std::uint64_t delivered_up_to(const std::string& publisher, Channel channel) const;

 private:
  struct Stream {
    std::uint64_t next = 0;              // next seq to deliver (0 = not started)
    std::map<std::uint64_t, Event> held;  // arrived beyond a gap
    bool repairing = false;
    bool paused = false;
    bool resolving = false;  // waiting for the seq of start_time_ms
    int attempts = 0;
    std::uint64_t epoch = 0;
    std::uint64_t head = 0;  // highest seq known to exist (live, hello, request)
  };
  struct Publisher {
    std::array<Stream, kChannelCount> streams;
    bool announces_base = false;  // its hellos say where instances start ("base")
  };
  // The stream, created if new (a full table forgets its least recent publisher).
  Stream& stream(const std::string& publisher, Channel channel);
  // The stream if it exists (answers for forgotten streams are dropped).
  Stream* find(const std::string& publisher, Channel channel);
  void forget(const std::string& publisher, Publisher& gone);
  void report_forgotten(TrackerOutput& out);
  void accept(Stream& s, Event&& e, TrackerOutput& out);
  void hold(Stream& s, Event&& e);
  // A new instance of the publisher: a new stream, a continuation, or (no "base") a
  // restart guessed from the head.
  void on_new_instance(Stream& s, const HelloHead& head);
  // Starts the stream over at `from` (1: the publisher started over): held events and
  // answers to earlier requests are dropped.
  void restart(Stream& s, std::uint64_t from);
  void drain(Stream& s, TrackerOutput& out);
  // A new stream: decides where it starts (maybe asking for the start time's seq).
  void start(Stream& s, const std::string& publisher, Channel channel, std::uint64_t first_seen,
             TrackerOutput& out);
  void request_gap(Stream& s, const std::string& publisher, Channel channel, std::uint64_t to,
                   TrackerOutput& out);
  void give_up(Stream& s, const std::string& publisher, Channel channel, std::uint64_t to,
               const std::string& reason, TrackerOutput& out);

  const std::uint64_t start_seq_;
  const std::uint64_t start_time_ms_;
  const std::size_t max_buffered_;
  const int max_attempts_;
  LruTable<Publisher> publishers_;
  std::size_t buffered_ = 0;
  std::size_t paused_streams_ = 0;
  Stream* cached_ = nullptr;  // the stream of the previous lookup (most events)
  Publisher* cached_entry_ = nullptr;
  std::string cached_publisher_;
  Channel cached_channel_ = Channel::kCommand;
  std::uint64_t epochs_ = 0;  // stream generations: never reused, even after forgetting
  bool forgot_any_ = false;   // new streams then start live (see the class comment)
  std::vector<DeadLetter> forgotten_;  // what forgotten streams owed, for the next output
  std::uint64_t duplicates_ = 0;
  std::uint64_t reported_duplicates_ = 0;
  std::uint64_t rewinds_ = 0;
  std::uint64_t reported_evictions_ = 0;
};

}  // namespace vsm::detail
