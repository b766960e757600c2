#include "delivery/queue_policy.hpp"

namespace vsm::detail {
namespace {
bool same_topic(const Event& a, const Event& b) {
  return a.channel == b.channel && a.source == b.source && a.type == b.type;
}
}  // namespace

ArrivalOutcome admit_arrival(EventBatch& queue, const Event& event, const SubscribeOptions& options) {
  if (options.mode == DeliveryMode::kLatestOnly) {
    // Conflation: the older event of the same topic is superseded, not dropped.
    queue.erase_first([&](const Event& q) { return same_topic(q, event); });
  }
  if (queue.size() < options.queue_capacity) return {};
  switch (options.overflow) {
    case OverflowPolicy::kDeadLetter: return {Arrival::kDeadLetter, true};
    case OverflowPolicy::kDropNewest: return {Arrival::kDropNewest, true};
    case OverflowPolicy::kDropOldest: break;
  }
  queue.pop_front();
  return {Arrival::kQueue, true};
}

}  // namespace vsm::detail
