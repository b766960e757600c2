// NodeCore and the event log (persist/): open on start, continue each channel's
// sequence from what this node logged before, log every published event before it is
// sent (and received ones when configured), and serve replay from the log when the
// in-memory ring no longer holds a range.
#include <spdlog/spdlog.h>

#include "node_core.hpp"
#include "vsm/persist/envelope_header.hpp"

namespace vsm::detail {

Status NodeCore::open_log() {
  if (config_.log_dir.empty()) return {};
  auto log = persist::EventLog::open(config_.log_dir, config_.log_options);
  if (!log) return log.error();
  log_ = std::move(log).value();
  const auto& report = log_->recovery_report();
  if (report.torn_records > 0) {
    spdlog::warn("vsm: node {} log {}: truncated {} torn record(s), {} bytes", config_.name,
                 config_.log_dir, report.torn_records, report.torn_bytes);
  }
  // Continue our own per-channel sequences, so peers see a restart as a continuation
  // and can repair across it from the log.
  persist::LogQuery q;
  q.publisher = config_.name;
  auto st = log_->replay_raw(q, [&](const persist::RawEntry& entry) {
    const auto h = persist::peek_envelope(entry.envelope);
    if (!h) return true;
    auto& last = last_seq_[channel_index(h->channel)];
    if (h->seq > last.load(std::memory_order_relaxed)) {
      last.store(h->seq, std::memory_order_relaxed);
    }
    return true;
  });
  if (!st) return st;
  return {};
}

void NodeCore::log_slice(Channel channel, std::uint64_t from, std::uint64_t to, std::size_t max,
                         ReplaySlice& slice) const {
  if (max == 0) return;  // an empty page (PROTOCOL §2); for the log, limit 0 = no limit
  persist::LogQuery q;
  q.publisher = config_.name;
  q.channel = channel;
  q.from_seq = from;
  q.to_seq = to;
  q.limit = max;
  std::vector<std::string> events;
  std::uint64_t oldest = 0;
  // The stored envelopes are sent as they are: no decode and re-encode per event.
  auto st = log_->replay_raw(q, [&](const persist::RawEntry& entry) {
    if (oldest == 0) {
      if (auto h = persist::peek_envelope(entry.envelope)) oldest = h->seq;
    }
    events.emplace_back(entry.envelope);
    return events.size() < max;
  });
  if (!st) {
    spdlog::warn("vsm: node {} replay from log failed: {}", config_.name, st.error().to_string());
    return;
  }
  if (!events.empty()) {
    slice.events = std::move(events);
    slice.oldest = std::min(slice.oldest == 0 ? oldest : slice.oldest, oldest);
  }
}

}  // namespace vsm::detail
