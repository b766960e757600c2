// The node's event log (persist/EventLog), when NodeConfig::log_dir is set: opened at
// start, asked for the last sequence numbers this node logged (so a restart continues
// them), appended with every committed batch of published events before they are sent
// (publish/publish_pipeline.hpp) and, with log_received, with received events; read by
// gap repair (slice()) and by the control plane's query op.
// Thread-safety: every method may be called from any thread (EventLog is thread-safe);
// open() and close() from the node's start()/stop() only.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_query.hpp"
#include "control/control_server.hpp"
#include "log/log_health_report.hpp"
#include "vsm/channel.hpp"
#include "vsm/event.hpp"
#include "vsm/node_config.hpp"
#include "vsm/persist/event_log.hpp"

namespace vsm::detail {

class NodeLog {
 public:
  explicit NodeLog(const NodeConfig& config)
      : config_(config), received_health_(config.name, "received events") {}

  // Opens the log (no-op without log_dir). Errors of EventLog::open().
  Status open();
  bool enabled() const noexcept { return log_ != nullptr; }
  // The highest seq this node logged per channel (0 when none): where a restart goes on.
  Result<std::array<std::uint64_t, kChannelCount>> last_seqs() const;

  // Appends the encoded frames of published events, in order, with the fields the
  // publish path wrote into them (not peeked again). OK means written.
  Status append_published(std::span<const persist::EncodedRecord> frames);
  // Reactor thread (NodeConfig::log_received): stages a received event's single-event
  // frame (head = topic + separator, then its map); flush_received() appends the staged
  // ones with one group commit. Failures are counted (receive_failures()) and reported
  // once per transition (log_health_report.hpp); the events are still delivered.
  void stage_received(std::string_view head, std::string_view map);
  void flush_received();

  // Adds to `slice` the events [from, to] (at most max) of `channel` from the log.
  void slice(Channel channel, std::uint64_t from, std::uint64_t to, std::size_t max,
             ReplaySlice& slice) const;
  // Serves a control-plane query page. REQUIRES: enabled().
  Result<QuerySlice> query(const QueryRequest& request) const;

  // The log's counters and health (empty when disabled).
  persist::LogStats stats() const { return log_ ? log_->stats() : persist::LogStats{}; }
  std::uint64_t receive_failures() const noexcept {
    return receive_failures_.load(std::memory_order_relaxed);
  }
  Status close();

 private:
  const NodeConfig& config_;
  std::unique_ptr<persist::EventLog> log_;
  std::atomic<std::uint64_t> receive_failures_{0};
  LogHealthReport received_health_;  // reactor thread only
  // Reactor thread only: staged received frames (one buffer) and their boundaries.
  std::string staged_;
  std::vector<std::size_t> staged_ends_;
  std::vector<std::string_view> staged_views_;
};

}  // namespace vsm::detail
