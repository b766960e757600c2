// The three delivery modes (vsm::DeliveryMode, docs/PROTOCOL.md §1.7) and where each
// lives. The wire is the same for all; a mode is what the receiving node does.
//
//   BestEffort  events go into the subscription's bounded queue as they arrive; when it
//               is full the OverflowPolicy drops the oldest or the newest, or records a
//               dead letter (queue_policy.hpp). Gaps in a publisher's sequence are
//               counted (receive/sequence_tracker.hpp), not repaired.
//   LatestOnly  the queue keeps only the newest event per topic (channel/source/type):
//               an arriving event supersedes the queued one of its topic
//               (queue_policy.hpp). Superseded events are not drops.
//   Reliable    per publisher and channel, every seq exactly once and in order: the
//               ReliableTracker (reliable_tracker.hpp) holds events after a gap and asks
//               for the missing range, the RepairWorker (repair_worker.hpp) fetches it
//               from the publisher's control endpoint, ReliableDelivery
//               (reliable_delivery.hpp) runs both on the reactor thread. A full queue
//               pauses the stream (nothing is dropped).
#pragma once

#include "delivery/queue_policy.hpp"
#include "delivery/reliable_delivery.hpp"
