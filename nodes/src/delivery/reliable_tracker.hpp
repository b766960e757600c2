// Sans-I/O core of Reliable delivery for one subscription: per (publisher, channel)
// stream it delivers events in sequence order without duplicates, buffers events that
// arrive after a gap, asks for the missing range, and turns ranges that cannot be
// repaired into dead letters. Time and I/O stay outside: the node feeds it events,
// repair results and publisher "hello" heads, and executes the RepairRequests it emits.
// Thread-safety: none; owned by the node's reactor thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
  ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered, int max_attempts,
                  std::uint64_t start_time_ms = 0);

  void on_live(Event&& event, TrackerOutput& out);
  // The common case without a copy: when `event` is exactly the next seq of a running
  // stream (started, not paused, nothing held or being resolved), advances the stream
  // and returns true: the caller delivers `event` itself (and calls on_refused() with a
  // copy if the queue refuses it). Otherwise false: use on_live().
  bool take_in_order(const Event& event);
  // A publisher announced its last published seq on a channel (tail-loss detection).
  // A head below what was delivered is normal (announced heads lag the stream) unless
  // `restarted`: the publisher is a new instance whose sequences started over.
  void on_head(const std::string& publisher, Channel channel, std::uint64_t last, bool restarted,
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
  Stream& stream(const std::string& publisher, Channel channel);
  void accept(Stream& s, Event&& e, TrackerOutput& out);
  void hold(Stream& s, Event&& e);
  // The publisher started over (seq 1 again, or a head below what we delivered).
  void restart(Stream& s);
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
  std::map<std::pair<std::string, Channel>, Stream> streams_;
  std::size_t buffered_ = 0;
  std::size_t paused_streams_ = 0;
  Stream* cached_ = nullptr;  // the stream of the previous lookup (most events)
  std::string cached_publisher_;
  Channel cached_channel_ = Channel::kCommand;
  std::uint64_t duplicates_ = 0;
  std::uint64_t reported_duplicates_ = 0;
};

}  // namespace vsm::detail
