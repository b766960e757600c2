// EventLog writer thread: group commit (one write(2) per batch and segment), fsync
// policy, segment roll.
#include <pthread.h>

#include <algorithm>

#include "log_directory.hpp"
#include "segment.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_writer.hpp"

namespace vsm::persist {

namespace lf = log_format;
using Clock = std::chrono::steady_clock;

void EventLog::run_writer(std::stop_token stop) {
  ::pthread_setname_np(::pthread_self(), "vsm-log-writer");
  const auto interval = std::chrono::milliseconds(options_.fsync_interval_ms);
  std::unique_lock lock(mu_);
  for (;;) {
    auto ready = [&] {
      return !pending_meta_.empty() || closing_ || stop.stop_requested() ||
             (sync_requested_ > durable_offset_ && !failed_);
    };
    if (dirty_ && options_.fsync == FsyncPolicy::kInterval) {
      writer_cv_.wait_until(lock, last_sync_ + interval, ready);
    } else {
      writer_cv_.wait(lock, ready);
    }
    gather(lock, stop);
    write_now_ = false;
    const bool exiting = (closing_ || stop.stop_requested()) && pending_meta_.empty();
    std::swap(pending_, batch_);
    std::swap(pending_meta_, batch_meta_);
    const bool want_sync =
        sync_requested_ > durable_offset_ || (exiting && options_.fsync != FsyncPolicy::kNone);
    done_cv_.notify_all();  // pending space freed
    lock.unlock();

    Status s;
    std::uint64_t written = 0;
    if (!batch_meta_.empty() && !failed_) {
      seal_batch();
      s = write_batch();
      written = batch_meta_.back().offset;
      dirty_ = true;
    }
    batch_.clear();
    batch_meta_.clear();
    const bool sync_now =
        s.ok() && dirty_ &&
        (options_.fsync == FsyncPolicy::kAlways || want_sync ||
         (options_.fsync == FsyncPolicy::kInterval && Clock::now() - last_sync_ >= interval));
    if (sync_now) s = sync_active();

    lock.lock();
    if (!s.ok() && !failed_) failed_ = s.error();
    if (written != 0 && s.ok()) written_offset_ = written;
    if (sync_now && s.ok()) durable_offset_ = written_offset_;
    done_cv_.notify_all();
    if (exiting) return;
  }
}

// Group commit: a small batch waits up to kGatherDelay for more records, so a steady
// stream of appends costs one writer wake-up and one write() per batch instead of per
// record (each append wakes the writer only when pending_ was empty or crosses
// kGatherBytes). Not under kAlways (appenders wait for the sync), nor when a flush,
// a reader (wait_written()) or close is waiting.
void EventLog::gather(std::unique_lock<std::mutex>& lock, const std::stop_token& stop) {
  if (options_.fsync == FsyncPolicy::kAlways) return;
  const auto urgent = [&] {
    return pending_.size() >= kGatherBytes || write_now_ || closing_ || stop.stop_requested() ||
           sync_requested_ > durable_offset_ || failed_.has_value();
  };
  if (pending_meta_.empty() || urgent()) return;
  writer_cv_.wait_for(lock, kGatherDelay, urgent);
}

Status EventLog::sync_active() {
  Status s = active_file_->sync();
  if (s) {
    dirty_ = false;
    last_sync_ = Clock::now();
    std::lock_guard lock(mu_);
    ++counters_.syncs;
  }
  return s;
}

// The crc of each record is computed here rather than by append(), off the
// appenders' path.
void EventLog::seal_batch() {
  std::size_t pos = 0;
  for (const PendingRecord& r : batch_meta_) {
    RecordWriter::seal(batch_.data() + pos, r.size);
    pos += r.size;
  }
}

Status EventLog::write_batch() {
  std::size_t first = 0;
  std::size_t byte_begin = 0;
  std::size_t byte_pos = 0;
  std::uint64_t seg_bytes = active_size_;
  for (std::size_t i = 0; i < batch_meta_.size(); ++i) {
    const PendingRecord& r = batch_meta_[i];
    if (seg_bytes + r.size > options_.segment_bytes && seg_bytes > lf::kSegmentHeaderBytes) {
      Status s = write_chunk(first, i, byte_begin, byte_pos);
      if (s) s = roll(r.offset);
      if (!s) return s;
      first = i;
      byte_begin = byte_pos;
      seg_bytes = active_size_;
    }
    seg_bytes += r.size;
    byte_pos += r.size;
  }
  return write_chunk(first, batch_meta_.size(), byte_begin, byte_pos);
}

Status EventLog::write_chunk(std::size_t first, std::size_t last, std::size_t byte_begin,
                             std::size_t byte_end) {
  if (first == last) return {};
  Status s =
      active_file_->append(std::string_view(batch_).substr(byte_begin, byte_end - byte_begin));
  if (!s) return s;
  SegmentPtr active;
  {
    std::lock_guard lock(seg_mu_);
    active = segments_.back();
  }
  std::uint64_t pos = active_size_;
  index_meta_.clear();
  for (std::size_t i = first; i < last; ++i) {
    const PendingRecord& r = batch_meta_[i];
    index_meta_.push_back(detail::RecordMeta{r.offset, r.wall_ms, pos, r.size, r.channel, r.seq});
    pos += r.size;
  }
  active->add(index_meta_);
  active_size_ = pos;
  std::lock_guard lock(mu_);
  ++counters_.batches;
  return {};
}

Status EventLog::roll(std::uint64_t next_offset) {
  // Sealed segments are always durable, so flush() and recovery need only look at the
  // active one; one fdatasync per segment_bytes is negligible.
  Status s = sync_active();
  if (s) {
    std::unique_lock lock(seg_mu_);
    SegmentPtr sealed = segments_.back();
    lock.unlock();
    s = sealed->write_index_file();
  }
  if (s) s = create_segment(next_offset);
  if (!s) return s;
  return enforce_retention();
}

}  // namespace vsm::persist
