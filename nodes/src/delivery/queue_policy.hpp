// What a subscription queue does with an event that arrives for it, by delivery mode
// and overflow policy (delivery/delivery_modes.hpp): LatestOnly supersedes the queued
// event of the same topic; a full queue drops the oldest or the newest event or turns it
// into a dead letter. Reliable subscriptions never come here when full: they pause.
// Thread-safety: none; called under the subscription's lock.
#pragma once

#include <cstddef>

#include "subscribe/event_batch.hpp"
#include "vsm/subscription.hpp"

namespace vsm::detail {

enum class Arrival {
  kQueue,            // append it (after making room, if needed)
  kDropNewest,       // the queue is full: drop the arriving event
  kDeadLetter,       // the queue is full: drop it and record a dead letter
};

struct ArrivalOutcome {
  Arrival action = Arrival::kQueue;
  bool dropped = false;  // an event was dropped (the oldest, or the arriving one)
};

// Applies the policy to `queue` (may erase a superseded or the oldest event) and says
// what to do with `event`.
ArrivalOutcome admit_arrival(EventBatch& queue, const Event& event, const SubscribeOptions& options);

}  // namespace vsm::detail
