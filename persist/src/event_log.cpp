// EventLog public API: appends (group commit hand-off), flush, close, queries.
#include "vsm/persist/event_log.hpp"

#include "log_directory.hpp"
#include "log_scan.hpp"
#include "segment.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/envelope_header.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_writer.hpp"

namespace vsm::persist {

namespace lf = log_format;

namespace {

// Initial capacity of the two group-commit buffers, so steady appends never reallocate
// (and page-fault) them.
constexpr std::size_t kInitialBufferBytes = 1u << 20;

}  // namespace

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
  const std::size_t reserve = std::min<std::size_t>(options.max_pending_bytes, kInitialBufferBytes);
  log->pending_.reserve(reserve);
  log->batch_.reserve(reserve);
  log->writer_ = std::jthread([raw = log.get()](std::stop_token st) { raw->run_writer(st); });
  return log;
}

Result<std::uint64_t> EventLog::append(const Event& event) {
  return append_batch(std::span(&event, 1));
}

Result<std::uint64_t> EventLog::append_batch(std::span<const Event> events) {
  if (events.empty()) return Error::invalid("append_batch needs at least one event");
  return enqueue(events.size(), [&](std::size_t i, std::string& out, PendingRecord& rec) {
    const Event& e = events[i];
    rec.wall_ms = e.ts.wall_ms;
    rec.channel = static_cast<std::uint8_t>(channel_index(e.channel));
    rec.seq = e.seq;
    return encode_event(e, out, options_.codec);
  });
}

Result<std::uint64_t> EventLog::append_encoded(std::string_view envelope) {
  auto h = peek_envelope(envelope);
  if (!h) {
    return Error::invalid("append_encoded: the bytes are not an encoded event envelope");
  }
  return enqueue(1, [&](std::size_t, std::string& out, PendingRecord& rec) {
    rec.wall_ms = h->wall_ms;
    rec.channel = static_cast<std::uint8_t>(channel_index(h->channel));
    rec.seq = h->seq;
    out.append(envelope);
    return Status();
  });
}

// Frames `count` records at the end of pending_, encoding each body in place (no copy
// of the encoded event); the crc is added by the writer thread (seal_batch). All or
// nothing: on an error pending_ is restored. REQUIRES: mu_ held.
Status EventLog::frame_pending(std::size_t count, const PutBody& put) {
  const std::size_t bytes_before = pending_.size();
  const std::size_t meta_before = pending_meta_.size();
  auto fail = [&](Error e) {
    pending_.resize(bytes_before);
    pending_meta_.resize(meta_before);
    return e;
  };
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t start = pending_.size();
    pending_.resize(start + lf::kRecordHeaderBytes);
    PendingRecord rec;
    rec.offset = next_offset_ + i;
    if (Status s = put(i, pending_, rec); !s) return fail(s.error());
    const std::size_t body = pending_.size() - start - lf::kRecordHeaderBytes;
    if (body > lf::kMaxRecordBodyBytes) {
      return fail(Error::too_large("encoded event of " + std::to_string(body) +
                                   " bytes exceeds the log's record limit"));
    }
    RecordWriter::put_header(pending_.data() + start, body, rec.offset, rec.wall_ms);
    rec.size = pending_.size() - start;
    pending_meta_.push_back(rec);
  }
  return {};
}

Result<std::uint64_t> EventLog::enqueue(std::size_t count, const PutBody& put) {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] {
    return pending_.size() < options_.max_pending_bytes || closing_ || failed_.has_value();
  });
  if (closing_) return Error::closed("event log " + dir_.string() + " is closed");
  if (failed_) return *failed_;
  const bool was_empty = pending_meta_.empty();
  const bool was_small = pending_.size() < kGatherBytes;
  if (Status s = frame_pending(count, put); !s) return s.error();
  const std::uint64_t first = next_offset_;
  next_offset_ += count;
  counters_.appended += count;
  // The writer needs a wake-up for the first record of a batch and when the batch has
  // grown enough to cut its gathering short (gather(), event_log_writer.cpp).
  if (was_empty || (was_small && pending_.size() >= kGatherBytes)) writer_cv_.notify_one();
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
  if (written_offset_ < target) {
    write_now_ = true;  // a reader waits: no group-commit gathering
    writer_cv_.notify_one();
  }
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

Status EventLog::replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats) {
  Status s = wait_written();
  if (!s) return s;
  return detail::scan_log_raw(snapshot(), q, visit, stats);
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
