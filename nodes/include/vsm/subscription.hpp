// A subscription handle returned by Node::subscribe(). Move-only RAII: destroying or
// close()-ing it removes the subscription. Events arrive in a bounded queue; `next()`
// pulls from it (pull subscriptions) or a dispatcher thread runs the callback.
// Thread-safety: next() may be called from one thread at a time; close() from any.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vsm/event.hpp"

namespace vsm {

namespace detail {
class SubscriptionState;
class NodeCore;
}  // namespace detail

enum class OverflowPolicy {
  kDropOldest,  // keep the newest events (default)
  kDropNewest,  // keep the oldest events, drop arrivals
  kDeadLetter,  // drop arrivals and record them in dead_letters() (reason "queue full")
};

enum class DeliveryMode {
  // Plain PUB/SUB: what is lost in transit is counted (stats dropped/gap_events).
  kBestEffort,
  // Per-(publisher, channel) sequence order with no gaps and no duplicates: missing
  // ranges are fetched from the publisher's control endpoint (its replay ring or log);
  // ranges that cannot be repaired become DeadLetters.
  kReliable,
  // Conflation: the queue keeps only the newest event per topic (channel/source/type).
  kLatestOnly,
};

// A range of a publisher's stream a Reliable subscription gave up on.
struct DeadLetter {
  std::string publisher;   // Event::ts.node
  Channel channel;
  std::uint64_t from_seq;  // inclusive
  std::uint64_t to_seq;    // inclusive
  std::string reason;
};

struct SubscribeOptions {
  // Events waiting for next() or the callback. Reliable subscriptions never drop on
  // overflow: the stream pauses (holding up to max_held_events, then re-fetching from
  // the publisher) until the consumer catches up; `overflow` is ignored for them.
  std::size_t queue_capacity = 65'536;
  OverflowPolicy overflow = OverflowPolicy::kDropOldest;
  DeliveryMode mode = DeliveryMode::kBestEffort;
  // Reliable only. 0: start with the first live event of each publisher; n: start every
  // publisher's stream at seq n (1 = all retained history, then live: "replay then live").
  std::uint64_t start_seq = 0;
  // Reliable only, instead of start_seq: start every publisher's stream at its first
  // event with ts.wall_ms >= this (Unix ms), found with the publisher's `query` op.
  std::uint64_t start_time_ms = 0;
  // Reliable only: deadline of one repair request, and attempts before dead-lettering.
  int repair_timeout_ms = 2'000;
  int repair_attempts = 3;
  // Reliable only: events held back behind a gap, across all publishers.
  std::size_t max_held_events = 200'000;
};

class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  // Waits up to `timeout` for the next matching event; empty when none arrived or the
  // subscription/node closed. REQUIRES: a pull subscription (no callback).
  std::optional<Event> next(std::chrono::milliseconds timeout);
  // next() into an Event the caller reuses: the event is swapped into `out`, and out's
  // previous strings go back to the queue for the next event, so a loop over one
  // Event allocates nothing per event. False (and `out` untouched) when next() would
  // return empty.
  bool next_into(Event& out, std::chrono::milliseconds timeout);
  // Idempotent, non-blocking: unsubscribes and wakes a waiting next().
  void close();

  bool valid() const noexcept { return state_ != nullptr; }
  std::uint64_t delivered() const noexcept;  // events handed to next()/callback
  std::uint64_t dropped() const noexcept;    // events lost to queue overflow
  std::size_t queued() const noexcept;
  // Ranges given up so far (Reliable: unrepairable gaps; OverflowPolicy::kDeadLetter:
  // overflowed events), oldest first; the newest 10,000 entries are kept.
  std::vector<DeadLetter> dead_letters() const;
  std::uint64_t dead_letter_count() const noexcept;  // all entries ever recorded

 private:
  friend class detail::NodeCore;
  Subscription(std::shared_ptr<detail::SubscriptionState> state,
               std::weak_ptr<detail::NodeCore> core);

  std::shared_ptr<detail::SubscriptionState> state_;
  std::weak_ptr<detail::NodeCore> core_;
};

}  // namespace vsm
