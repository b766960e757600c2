// Node::publish() never blocks; a CLI feeding a node as fast as it can retries while
// the publish queue is full (with backoff, sleeping), up to a deadline.
// Thread-safety: as Node::publish().
#pragma once

#include <chrono>

#include "vsm/node.hpp"

namespace vsmcat {

inline constexpr auto kQueueFullRetryFor = std::chrono::seconds(10);

// publish() with retries while the queue is full; other errors are returned at once,
// kQueueFull after `retry_for`.
vsm::Result<vsm::PublishReceipt> publish_retrying(
    vsm::Node& node, const vsm::Event& event,
    std::chrono::milliseconds retry_for = kQueueFullRetryFor);

}  // namespace vsmcat
