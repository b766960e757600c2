// EventLog: synchronous appends through the group-commit writer queue, flush, close,
// queries and stats. Opening and recovery are in event_log_open.cpp.
#include "vsm/persist/event_log.hpp"

#include <chrono>

#include "event_log_state.hpp"
#include "last_seqs.hpp"
#include "log_scan.hpp"
#include "record_body.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::persist {

std::uint64_t EventLog::State::now_ms() const {
  return options.retry_clock != nullptr ? options.retry_clock->now_ms() : monotonic_ms();
}

EventLog::EventLog(std::unique_ptr<State> state) : s_(std::move(state)) {}

EventLog::~EventLog() { (void)close(); }

Result<std::uint64_t> EventLog::append(const Event& event) {
  return append_batch(std::span(&event, 1));
}

Result<std::uint64_t> EventLog::append_batch(std::span<const Event> events) {
  if (events.empty()) return Error::invalid("append_batch needs at least one event");
  auto put = [&](std::size_t i, std::string& out, detail::RecordFields& rec) {
    const Event& e = events[i];
    rec.wall_ms = e.ts.wall_ms;
    rec.channel = static_cast<std::uint8_t>(channel_index(e.channel));
    rec.seq = e.seq;
    return detail::encode_body(e, out, s_->options.codec);
  };
  return submit(events.size(), detail::BodySource(put));
}

Result<std::uint64_t> EventLog::append_encoded(std::string_view record) {
  return append_encoded_batch(std::span(&record, 1));
}

Result<std::uint64_t> EventLog::append_encoded_batch(std::span<const std::string_view> records) {
  if (records.empty()) return Error::invalid("append_encoded_batch needs at least one record");
  auto put = [&](std::size_t i, std::string& out, detail::RecordFields& rec) -> Status {
    auto h = detail::peek_body(records[i]);
    if (!h) {
      return Error::invalid("append_encoded: record " + std::to_string(i) +
                            " is not an encoded event");
    }
    rec.wall_ms = h->wall_ms;
    rec.channel = static_cast<std::uint8_t>(channel_index(h->channel));
    rec.seq = h->seq;
    out.append(records[i]);
    return {};
  };
  return submit(records.size(), detail::BodySource(put));
}

Result<std::uint64_t> EventLog::append_encoded_batch(std::span<const EncodedRecord> records) {
  if (records.empty()) return Error::invalid("append_encoded_batch needs at least one record");
  auto put = [&](std::size_t i, std::string& out, detail::RecordFields& rec) -> Status {
    const EncodedRecord& r = records[i];
    rec.wall_ms = r.wall_ms;
    rec.channel = static_cast<std::uint8_t>(channel_index(r.channel));
    rec.seq = r.seq;
    out.append(r.bytes);
    return {};
  };
  return submit(records.size(), detail::BodySource(put));
}

Result<std::uint64_t> EventLog::submit(std::size_t count, const detail::BodySource& source) {
  detail::AppendRequest req(source, count);
  std::unique_lock lock(s_->mu);
  if (s_->closing) return Error::closed("event log " + s_->dir.string() + " is closed");
  if (s_->queue.enter(req, lock)) lead_group(lock);
  if (req.error) return std::move(*req.error);
  return req.first_offset;
}

namespace {

// Fails the requests from the head to `last` that have no error yet with `e`; returns
// how many.
std::uint64_t fail_requests(detail::WriterQueue& queue, detail::AppendRequest* last,
                            const Error& e) {
  std::uint64_t n = 0;
  for (auto* r = queue.head();; r = r->next) {
    if (!r->error) {
      r->error = e;
      ++n;
    }
    if (r == last) return n;
  }
}

// Frames the requests from the head to `last` (offsets from `next`, advanced), stopping
// early once the group holds `max_bytes`; returns the last request framed.
detail::AppendRequest* frame_group(detail::GroupWriter& writer, detail::AppendRequest* head,
                                   detail::AppendRequest* last, std::uint64_t& next,
                                   std::uint64_t max_bytes) {
  for (auto* r = head;; r = r->next) {
    if (Status f = writer.frame(r->source, r->count, next); f) {
      r->first_offset = next;
      next += r->count;
    } else {
      r->error = f.error();
    }
    if (r == last || writer.group_bytes() >= max_bytes) return r;
  }
}

}  // namespace

// The head of the writer queue leads: frames the group queued behind it and writes it
// outside the lock, then completes it. While the log is failing and before the retry
// time, the group fails at once without any syscall.
void EventLog::lead_group(std::unique_lock<std::mutex>& lock) {
  State& s = *s_;
  detail::AppendRequest* last = s.queue.tail();
  if (auto e = s.health.failing() ? s.health.fail_fast(s.now_ms()) : std::nullopt) {
    s.health.count_failed_appends(fail_requests(s.queue, last, *e));
    s.queue.complete(last);
    return;
  }
  const bool sync = s.options.fsync == FsyncPolicy::kAlways || s.health.retry_needs_sync();
  lock.unlock();
  std::uint64_t next = s.next_offset;
  detail::AppendRequest* end =
      frame_group(s.writer, s.queue.head(), last, next, s.options.max_pending_bytes);
  bool sync_failed = false;
  const bool wrote = !s.writer.group_empty();
  Status w = wrote ? s.writer.commit(sync, &sync_failed) : Status();
  const std::uint64_t now = w ? 0 : s.now_ms();
  lock.lock();
  if (!w) {
    using Op = detail::HealthTracker::Op;
    s.health.on_failure(sync_failed ? Op::kSync : Op::kWrite, w.error(), now);
    s.health.count_failed_appends(fail_requests(s.queue, end, w.error()));
  } else if (wrote) {
    s.appended += next - s.next_offset;
    s.next_offset = next;
    s.written_offset = next - 1;
    if (s.written_file != s.writer.active_file()) s.written_file = s.writer.active_file();
    if (sync) s.durable_offset = s.written_offset;
    s.health.on_success(true, sync);
  }
  s.queue.complete(end);
  if (s.queue.empty()) s.idle_cv.notify_all();
}

// fdatasyncs the file that holds the newest written record (older segments were synced
// when they were sealed). Runs outside mu: appends continue meanwhile.
Status EventLog::sync_written() {
  State& s = *s_;
  std::unique_lock lock(s.mu);
  if (s.written_offset <= s.durable_offset || s.written_file == nullptr) return {};
  const std::uint64_t target = s.written_offset;
  const detail::Segment::SharedFile file = s.written_file;
  lock.unlock();
  const auto start = std::chrono::steady_clock::now();
  Status st = file->sync();
  s.writer.sync_latency().record(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  const std::uint64_t now = st ? 0 : s.now_ms();
  lock.lock();
  ++s.syncs;
  if (st) {
    s.durable_offset = std::max(s.durable_offset, target);
    s.health.on_success(false, true);
  } else {
    s.health.on_failure(detail::HealthTracker::Op::kSync, st.error(), now);
  }
  return st;
}

Status EventLog::flush() {
  {
    std::lock_guard lock(s_->mu);
    if (s_->closed) return Error::closed("event log " + s_->dir.string() + " is closed");
  }
  return sync_written();
}

Status EventLog::close() {
  {
    std::unique_lock lock(s_->mu);
    if (s_->closing) return {};
    s_->closing = true;
    s_->idle_cv.wait(lock, [&] { return s_->queue.empty(); });
  }
  if (s_->syncer) s_->syncer->stop();
  Status st = s_->options.fsync == FsyncPolicy::kNone ? Status() : sync_written();
  std::lock_guard lock(s_->mu);
  s_->closed = true;
  s_->written_file.reset();
  s_->lock.reset();
  return st;
}

Result<std::vector<LogEntry>> EventLog::query(const LogQuery& q, ScanStats* stats) {
  std::vector<LogEntry> out;
  Status st = replay(
      q,
      [&](const LogEntry& e) {
        out.push_back(e);
        return true;
      },
      stats);
  if (!st) return st.error();
  return out;
}

Status EventLog::replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats) {
  return detail::scan_log(
      s_->segments.snapshot(), q, s_->options.codec, [&](LogEntry& e) { return visit(e); }, stats);
}

Status EventLog::replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats) {
  return detail::scan_log_raw(s_->segments.snapshot(), q, visit, stats);
}

Result<std::vector<LogEntry>> EventLog::correlation_chain(std::string_view id,
                                                          const LogQuery& scope) {
  const auto segs = s_->segments.snapshot();
  return detail::collect_correlation_chain(
      [&](const LogQuery& q, const detail::EntryVisitor& v) {
        return detail::scan_log(segs, q, s_->options.codec, v, nullptr);
      },
      id, scope);
}

Result<std::array<std::uint64_t, kChannelCount>> EventLog::last_seqs(std::string_view publisher) {
  return detail::find_last_seqs(s_->segments.snapshot(), publisher);
}

Status EventLog::enforce_retention() { return s_->segments.enforce_retention(); }

const RecoveryReport& EventLog::recovery_report() const noexcept { return s_->report; }

const std::filesystem::path& EventLog::dir() const noexcept { return s_->dir; }

LogStats EventLog::stats() const {
  LogStats out;
  {
    std::lock_guard lock(s_->mu);
    s_->health.fill(out);
    out.last_offset = s_->written_offset;
    out.durable_offset = s_->durable_offset;
    out.appended = s_->appended;
    out.queued_appends = s_->queue.size();
    out.syncs = s_->syncs;
  }
  out.syncs += s_->writer.syncs();
  out.sync_latency = s_->writer.sync_latency().snapshot();
  out.batches = s_->writer.writes();
  out.segments_deleted = s_->segments.deleted();
  for (const auto& seg : s_->segments.snapshot()) {
    const auto st = seg->stats();
    if (out.first_offset == 0 && st.records > 0) out.first_offset = st.first_offset;
    out.bytes += st.end_pos;
    out.damaged_segments += seg->damaged() ? 1 : 0;
    ++out.segments;
  }
  return out;
}

std::vector<SegmentInfo> EventLog::segments() const {
  std::vector<SegmentInfo> out;
  for (const auto& seg : s_->segments.snapshot()) out.push_back(seg->info());
  return out;
}

}  // namespace vsm::persist
