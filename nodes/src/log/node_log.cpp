#include "log/node_log.hpp"

#include <spdlog/spdlog.h>

#include "vsm/monotonic_clock.hpp"
#include "vsm/persist/envelope_header.hpp"

namespace vsm::detail {

Status NodeLog::open() {
  if (config_.log_dir.empty()) return {};
  auto log = persist::EventLog::open(config_.log_dir, config_.log_options);
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
  std::array<std::uint64_t, kChannelCount> last{};
  if (!log_) return last;
  persist::LogQuery q;
  q.publisher = config_.name;
  auto st = log_->replay_raw(q, [&](const persist::RawEntry& entry) {
    if (const auto h = persist::peek_envelope(entry.envelope)) {
      auto& l = last[channel_index(h->channel)];
      l = std::max(l, h->seq);
    }
    return true;
  });
  if (!st) return st.error();
  return last;
}

Status NodeLog::append_published(std::span<const std::string_view> envelopes) {
  if (!log_) return {};
  for (std::string_view e : envelopes) {
    if (auto off = log_->append_encoded(e); !off) return off.error();
  }
  return {};
}

void NodeLog::append_received(const Event& event) {
  if (!log_) return;
  if (auto off = log_->append(event); !off) {
    receive_failures_.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t now = monotonic_ms();
    std::uint64_t due = next_warn_ms_.load(std::memory_order_relaxed);
    if (now >= due && next_warn_ms_.compare_exchange_strong(due, now + kWarnIntervalMs)) {
      spdlog::warn("vsm: node {} could not log received events ({} so far): {}", config_.name,
                   receive_failures(), off.error().to_string());
    }
  }
}

void NodeLog::slice(Channel channel, std::uint64_t from, std::uint64_t to, std::size_t max,
                    ReplaySlice& slice) const {
  if (!log_) return;
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

Result<QuerySlice> NodeLog::query(const QueryRequest& request) const {
  return query_log(*log_, request);
}

Status NodeLog::close() {
  if (!log_) return {};
  return log_->close();
}

}  // namespace vsm::detail
