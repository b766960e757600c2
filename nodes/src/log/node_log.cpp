#include "log/node_log.hpp"

#include <spdlog/spdlog.h>

#include "control/control_format.hpp"
#include "vsm/monotonic_clock.hpp"
#include "vsm/persist/envelope_header.hpp"

namespace vsm::detail {

Status NodeLog::open() {
  if (config_.log_dir.empty()) return {};
  persist::LogOptions options = config_.log_options;
  // Tamper evidence by default where the rest of security is on (LOG_FORMAT.md "Hash chain").
  if (!options.hash_chain) options.hash_chain = config_.security.enabled();
  auto log = persist::EventLog::open(config_.log_dir, options);
  if (!log) return log.error();
  log_ = std::move(log).value();
  const auto& report = log_->recovery_report();
  if (report.torn_records > 0) {
    spdlog::warn("vsm: node {} log {}: truncated {} torn record(s), {} bytes", config_.name,
                 config_.log_dir, report.torn_records, report.torn_bytes);
  }
  return {};
}

Result<std::array<std::uint64_t, kChannelCount>> NodeLog::last_seqs() const {
  if (!log_) return std::array<std::uint64_t, kChannelCount>{};
  return log_->last_seqs(config_.name);
}

Status NodeLog::append_published(std::span<const persist::EncodedRecord> frames) {
  if (!log_) return {};
  if (auto off = log_->append_encoded_batch(frames); !off) return off.error();
  return {};
}

void NodeLog::stage_received(std::string_view head, std::string_view map) {
  if (!log_) return;
  staged_.append(head).append(map);
  staged_ends_.push_back(staged_.size());
}

void NodeLog::flush_received() {
  if (staged_ends_.empty()) return;
  staged_views_.clear();
  std::size_t begin = 0;
  for (std::size_t end : staged_ends_) {
    staged_views_.emplace_back(staged_.data() + begin, end - begin);
    begin = end;
  }
  auto off = log_->append_encoded_batch(staged_views_);
  staged_.clear();
  staged_ends_.clear();
  const Status st = off ? Status{} : Status(off.error());
  if (!st) receive_failures_.fetch_add(staged_views_.size(), std::memory_order_relaxed);
  received_health_.on_result(st, staged_views_.size(),
                             "delivering them unlogged (stats: log_received_failures)",
                             monotonic_ms());
}


void NodeLog::slice(Channel channel, std::uint64_t from, std::uint64_t to, std::size_t max,
                    ReplaySlice& slice) const {
  if (!log_ || max == 0) return;  // an empty page (PROTOCOL §2); for the log, limit 0 = no limit
  persist::LogQuery q;
  q.publisher = config_.name;
  q.channel = channel;
  q.from_seq = from;
  q.to_seq = to;
  q.limit = max;
  std::vector<std::string> events;
  std::uint64_t oldest = 0;
  std::size_t bytes = 0;
  // The stored frames are sent as they are: no decode and re-encode per event. A reply
  // carries at most kMaxReplayReplyBytes (the requester asks again for the rest).
  auto st = log_->replay_raw(q, [&](const persist::RawEntry& entry) {
    if (oldest == 0) {
      if (auto h = persist::peek_envelope(entry.envelope)) oldest = h->seq;
    }
    events.emplace_back(entry.envelope);
    bytes += entry.envelope.size();
    return events.size() < max && bytes < control_format::kMaxReplayReplyBytes;
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

Result<QuerySlice> NodeLog::query(const QueryRequest& request) const {
  return query_log(*log_, request);
}

Status NodeLog::close() {
  if (!log_) return {};
  return log_->close();
}

}  // namespace vsm::detail
