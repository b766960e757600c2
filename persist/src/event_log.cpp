// EventLog public API: appends (group commit hand-off), flush, close, queries.
#include "vsm/persist/event_log.hpp"

#include "log_directory.hpp"
#include "log_scan.hpp"
#include "segment.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_writer.hpp"

namespace vsm::persist {

namespace lf = log_format;

EventLog::EventLog(std::filesystem::path dir, LogOptions options)
    : dir_(std::move(dir)), options_(options) {}

EventLog::~EventLog() { (void)close(); }

Result<std::unique_ptr<EventLog>> EventLog::open(std::filesystem::path dir, LogOptions options) {
  if (options.segment_bytes < 4096) {
    return Error::invalid("LogOptions.segment_bytes must be at least 4096");
  }
  if (options.fsync == FsyncPolicy::kInterval && options.fsync_interval_ms == 0) {
    return Error::invalid("LogOptions.fsync_interval_ms must be > 0 with FsyncPolicy::kInterval");
  }
  std::unique_ptr<EventLog> log(new EventLog(std::move(dir), options));
  Status s = log->recover();
  if (!s) return s.error();
  log->last_sync_ = std::chrono::steady_clock::now();
  log->writer_ = std::jthread([raw = log.get()](std::stop_token st) { raw->run_writer(st); });
  return log;
}

Result<std::uint64_t> EventLog::append(const Event& event) {
  thread_local std::string body;
  body.clear();
  Status s = encode_event(event, body, options_.codec);
  if (!s) return s.error();
  const std::string_view view(body);
  return enqueue(std::span(&view, 1), std::span(&event, 1));
}

Result<std::uint64_t> EventLog::append_batch(std::span<const Event> events) {
  if (events.empty()) return Error::invalid("append_batch needs at least one event");
  std::vector<std::string> bodies(events.size());
  std::vector<std::string_view> views(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Status s = encode_event(events[i], bodies[i], options_.codec);
    if (!s) return s.error();
    views[i] = bodies[i];
  }
  return enqueue(views, events);
}

Result<std::uint64_t> EventLog::enqueue(std::span<const std::string_view> bodies,
                                        std::span<const Event> events) {
  for (std::string_view b : bodies) {
    if (b.size() > lf::kMaxRecordBodyBytes) {
      return Error::too_large("encoded event of " + std::to_string(b.size()) +
                              " bytes exceeds the log's record limit");
    }
  }
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] {
    return pending_.size() < options_.max_pending_bytes || closing_ || failed_.has_value();
  });
  if (closing_) return Error::closed("event log " + dir_.string() + " is closed");
  if (failed_) return *failed_;
  const std::uint64_t first = next_offset_;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const std::size_t before = pending_.size();
    RecordWriter::frame(pending_, next_offset_, events[i].ts.wall_ms, bodies[i]);
    pending_meta_.push_back(
        PendingRecord{next_offset_, events[i].ts.wall_ms, pending_.size() - before});
    ++next_offset_;
  }
  counters_.appended += bodies.size();
  if (pending_meta_.size() == bodies.size()) writer_cv_.notify_one();
  if (options_.fsync == FsyncPolicy::kAlways) {
    const std::uint64_t last = next_offset_ - 1;
    done_cv_.wait(lock, [&] { return durable_offset_ >= last || failed_.has_value(); });
    if (durable_offset_ < last) return *failed_;
  }
  return first;
}

Status EventLog::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = next_offset_ - 1;
  if (durable_offset_ >= target) return {};
  if (closed_) return Error::closed("event log " + dir_.string() + " is closed");
  sync_requested_ = std::max(sync_requested_, target);
  writer_cv_.notify_one();
  done_cv_.wait(lock, [&] { return durable_offset_ >= target || failed_.has_value(); });
  if (durable_offset_ < target) return *failed_;
  return {};
}

Status EventLog::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_) return {};
    closing_ = true;
  }
  writer_cv_.notify_all();
  done_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(mu_);
  closed_ = true;
  active_file_.reset();
  lock_.reset();
  done_cv_.notify_all();
  if (failed_) return *failed_;
  return {};
}

Status EventLog::wait_written() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = next_offset_ - 1;
  done_cv_.wait(lock, [&] { return written_offset_ >= target || failed_.has_value() || closed_; });
  if (written_offset_ < target && failed_) return *failed_;
  return {};
}

std::vector<EventLog::SegmentPtr> EventLog::snapshot() const {
  std::lock_guard lock(seg_mu_);
  return segments_;
}

Result<std::vector<LogEntry>> EventLog::query(const LogQuery& q, ScanStats* stats) {
  std::vector<LogEntry> out;
  Status s = replay(
      q,
      [&](const LogEntry& e) {
        out.push_back(e);
        return true;
      },
      stats);
  if (!s) return s.error();
  return out;
}

Status EventLog::replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats) {
  Status s = wait_written();
  if (!s) return s;
  return detail::scan_log(
      snapshot(), q, options_.codec, [&](LogEntry& e) { return visit(e); }, stats);
}

Result<std::vector<LogEntry>> EventLog::correlation_chain(std::string_view id,
                                                          const LogQuery& scope) {
  Status s = wait_written();
  if (!s) return s.error();
  const auto segs = snapshot();
  return detail::collect_correlation_chain(
      [&](const LogQuery& q, const detail::EntryVisitor& v) {
        return detail::scan_log(segs, q, options_.codec, v, nullptr);
      },
      id, scope);
}

LogStats EventLog::stats() const {
  LogStats out;
  {
    std::lock_guard lock(mu_);
    out = counters_;
    out.last_offset = next_offset_ - 1;
    out.durable_offset = durable_offset_;
  }
  for (const auto& seg : snapshot()) {
    const auto s = seg->stats();
    if (out.first_offset == 0 && s.records > 0) out.first_offset = s.first_offset;
    out.bytes += s.end_pos;
    ++out.segments;
  }
  return out;
}

std::vector<SegmentInfo> EventLog::segments() const {
  std::vector<SegmentInfo> out;
  for (const auto& seg : snapshot()) out.push_back(seg->info());
  return out;
}

}  // namespace vsm::persist
