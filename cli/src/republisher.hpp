// `vsmcat replay --republish`: publishes replayed events onto the fabric through its
// own vsm::Node. Like `vsmcat pub`, the node binds its publisher (--bind, default a
// free port) and prints "endpoint <ep>"; subscribers connect to it. Each republished
// event keeps its id, source, target, channel, type, payload, priority, correlation
// and causation ids and metadata; the node assigns its own ts and per-channel seq, and
// the original seq, publishing node and wall time are added to the metadata (see
// republished_event). Not thread-safe, except interrupt().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "node_options.hpp"
#include "vsm/event.hpp"
#include "vsm/node.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// Metadata keys of a republished event; an existing key is kept, so replaying a
// replay still names the first origin.
inline constexpr std::string_view kReplaySeqKey = "replay.seq";          // original seq
inline constexpr std::string_view kReplayNodeKey = "replay.node";        // original ts.node
inline constexpr std::string_view kReplayWallMsKey = "replay.wall_ms";   // original ts.wall_ms

// The event to publish again for `original` (ts and seq cleared for the node).
vsm::Event republished_event(const vsm::Event& original);

class Republisher {
 public:
  // Starts the node and prints its "endpoint <ep>" lines. Errors: kInvalid (bad node
  // settings: a usage error), kIo (cannot bind).
  static vsm::Result<std::unique_ptr<Republisher>> start(const NodeOptions& options);

  // Waits until `n` subscriber nodes are ready (PROTOCOL.md §1.5). Errors:
  // kDeliveryTimeout after `timeout_s`, kShuttingDown when interrupted.
  vsm::Status wait_for_subscribers(std::size_t n, double timeout_s);

  // Publishes republished_event(original), retrying while the queue is full.
  vsm::Status publish(const vsm::Event& original);
  // Wakes a wait for subscribers; later publishes fail. Any thread; idempotent.
  void interrupt();
  // Flushes queued events (up to linger_ms) and stops the node. Idempotent.
  void stop();
  std::uint64_t published() const noexcept { return published_; }

 private:
  explicit Republisher(vsm::NodeConfig config) : node_(std::move(config)) {}

  vsm::Node node_;
  std::atomic<bool> interrupted_{false};
  std::uint64_t published_ = 0;
};

}  // namespace vsmcat
