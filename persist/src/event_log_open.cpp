// EventLog::open: option checks, the directory lock, loading the segments (damage is
// skipped and reported, segment_loader.hpp), recovery of the active segment's torn
// tail, and the sync thread.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "event_log_state.hpp"
#include "log_directory.hpp"
#include "segment_loader.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist {

namespace lf = log_format;

Result<std::unique_ptr<EventLog>> EventLog::open(std::filesystem::path dir, LogOptions options) {
  if (options.segment_bytes < 4096) {
    return Error::invalid("LogOptions.segment_bytes must be at least 4096");
  }
  if (options.fsync == FsyncPolicy::kInterval && options.fsync_interval_ms == 0) {
    return Error::invalid("LogOptions.fsync_interval_ms must be > 0 with FsyncPolicy::kInterval");
  }
  if (options.max_pending_bytes == 0) {
    return Error::invalid("LogOptions.max_pending_bytes must be > 0");
  }
  std::unique_ptr<EventLog> log(new EventLog(std::make_unique<State>(std::move(dir), options)));
  if (Status s = log->recover(); !s) return s.error();
  if (options.fsync == FsyncPolicy::kInterval) {
    log->s_->syncer = std::make_unique<detail::IntervalSyncer>(
        std::chrono::milliseconds(options.fsync_interval_ms),
        [raw = log.get()] { (void)raw->sync_written(); });
  }
  return log;
}

Status EventLog::recover() {
  State& s = *s_;
  if (Status st = s.env.create_dir(s.dir); !st) return st;
  auto names = detail::list_segments(s.env, s.dir);
  if (!names) return std::move(names).error();
  auto lock = detail::lock_log_dir(s.env, s.dir);
  if (!lock) return std::move(lock).error();
  s.lock = std::move(lock).value();
  auto loaded = detail::load_segments(s.env, *names, true);
  if (!loaded) return std::move(loaded).error();
  RecoveryReport& rep = s.report;
  rep.indexes_rebuilt = loaded->indexes_rebuilt;
  rep.corruption = std::move(loaded->corruption);
  rep.damaged_segments = std::move(loaded->damaged_segments);
  s.segments.assign(std::move(loaded->segments));
  if (loaded->torn_last) {
    // A crash while creating the last segment: its header is torn, nothing else is in it.
    std::uint64_t bytes = 0;
    if (auto f = s.env.open_file(loaded->torn_last->path, FileMode::kRead)) {
      bytes = (*f)->size().value_or(0);
    }
    rep.torn_bytes += bytes;
    rep.torn_records += bytes > 0 ? 1 : 0;
    Status st = s.env.remove_file(loaded->torn_last->path);
    if (st) st = s.writer.create_active(loaded->torn_last->base_offset);
    if (!st) return st;
  } else if (Status st = recover_active(); !st) {
    return st;
  }
  std::uint64_t next = s.segments.active()->base_offset();
  for (const auto& seg : s.segments.snapshot()) {
    const auto st = seg->stats();
    if (!seg->damaged()) rep.records += st.records;
    if (st.records > 0) next = std::max(next, st.last_offset + 1);
  }
  rep.segments = s.segments.snapshot().size();
  s.next_offset = next;
  s.written_offset = s.durable_offset = next - 1;
  s.written_file = s.writer.active_file();
  if (rep.torn_bytes > 0) {
    spdlog::warn("event log {}: truncated a torn tail of {} bytes", s.dir.string(), rep.torn_bytes);
  }
  for (const CorruptRegion& c : rep.corruption) {
    spdlog::warn("event log {}: damage skipped: {}", s.dir.string(), describe(c));
  }
  return s.segments.enforce_retention();
}

// Makes the last segment the active one: truncates its torn tail, or starts a new
// segment when there is none or its header is damaged (after the offsets it may hold,
// so none is ever reused).
Status EventLog::recover_active() {
  State& s = *s_;
  auto last = s.segments.active();
  if (last == nullptr) return s.writer.create_active(1);
  if (last->damaged()) {
    const CorruptRegion& r = *last->header_damage();
    const std::uint64_t after = r.first_offset != 0 ? r.last_offset + 1 : last->base_offset() + 1;
    return s.writer.create_active(std::max(after, last->base_offset() + 1));
  }
  auto scan = last->scan();
  if (!scan) return std::move(scan).error();
  RecoveryReport& rep = s.report;
  rep.corruption.insert(rep.corruption.end(), scan->corruption.begin(), scan->corruption.end());
  const std::uint64_t valid_end = scan->index.stats().end_pos;
  if (scan->tail_bytes > 0) {
    rep.torn_records += 1;
    rep.torn_bytes += scan->tail_bytes;
    Status st = last->file().truncate(valid_end);
    if (st && s.options.fsync != FsyncPolicy::kNone) st = last->file().sync();
    if (!st) return st;
  }
  last->set_index(std::move(scan->index));
  if (last->chained() == s.options.chained()) {
    s.writer.adopt(last, valid_end, scan->last_link);
    return {};
  }
  // Written with the other hash_chain setting (or by a build before the chain: version
  // 1): new records go to a new segment, so that a segment is chained throughout or not
  // at all. An empty one gets a new header in place (its name, the next offset, is taken).
  const auto st = last->stats();
  if (st.records > 0) return s.writer.create_active(st.last_offset + 1);
  const std::uint32_t flags = s.options.chained() ? lf::kSegmentFlagChained : 0;
  Status rewrite = last->file().truncate(0);
  if (rewrite) rewrite = last->file().append(encode_segment_header(last->base_offset(), flags));
  if (rewrite && s.options.fsync != FsyncPolicy::kNone) rewrite = last->file().sync();
  if (!rewrite) return rewrite;
  last->set_chained(s.options.chained());
  s.writer.adopt(last, lf::kSegmentHeaderBytes, std::nullopt);
  return {};
}

}  // namespace vsm::persist
