// The append-only event log (DESIGN §5): one writer per directory (flock on LOCK),
// a writer thread with group commit (one write(2) per batch), segment roll by size,
// retention by bytes and age, recovery of a torn tail on open, and indexed queries.
// Thread-safety: every method may be called from any thread. append() blocks only
// when the writer lags by max_pending_bytes, or until durable with FsyncPolicy::kAlways.
//
//   auto log = vsm::persist::EventLog::open(dir, {});
//   if (!log) { spdlog::error("{}", log.error().to_string()); return; }
//   auto off = (*log)->append(event);        // Result<uint64_t>, offsets from 1
//   (*log)->close();                         // idempotent; the destructor closes too
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

namespace detail {
class Segment;
class DirLock;
struct RecordMeta;
}  // namespace detail
class File;

struct LogStats {
  std::uint64_t first_offset = 0;    // oldest retained (0 when empty)
  std::uint64_t last_offset = 0;     // newest appended (0 when empty)
  std::uint64_t durable_offset = 0;  // newest known fdatasync'ed
  std::uint64_t segments = 0;
  std::uint64_t bytes = 0;             // total segment bytes written
  std::uint64_t appended = 0;          // records appended since open
  std::uint64_t batches = 0;           // group commits (write calls)
  std::uint64_t syncs = 0;             // fdatasync calls
  std::uint64_t segments_deleted = 0;  // by retention since open
};

class EventLog {
 public:
  // Creates `dir` if needed, locks it and recovers it. Errors: kAlreadyExists (another
  // writer holds the directory), kInvalid (not a log directory, bad options),
  // kUnsupported (newer format), kCorruption (damaged segment header), kIo.
  static Result<std::unique_ptr<EventLog>> open(std::filesystem::path dir, LogOptions options = {});
  ~EventLog();  // close()
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends one event; returns its log offset (monotonic from 1, independent of
  // Event::seq). Errors: kInvalid/kTooLarge (encoding), kClosed, or the writer's kIo.
  Result<std::uint64_t> append(const Event& event);
  // Appends events with consecutive offsets; returns the first one. All or nothing
  // with respect to encoding errors.
  Result<std::uint64_t> append_batch(std::span<const Event> events);
  // Appends an envelope already encoded by encode_event() (a publisher encodes once
  // for the wire and the log). Only its header is checked (peek_envelope()).
  // Errors: kInvalid (not an envelope), kTooLarge, kClosed, the writer's kIo.
  Result<std::uint64_t> append_encoded(std::string_view envelope);
  // Blocks until everything appended before the call is written and fdatasync'ed.
  Status flush();
  // Writes and syncs what is pending, stops the writer, releases the lock.
  // Idempotent; later appends fail with kClosed.
  Status close();

  // Queries see every event appended before the call.
  Result<std::vector<LogEntry>> query(const LogQuery& q, ScanStats* stats = nullptr);
  Status replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats = nullptr);
  // As replay(), but visits the encoded envelopes without decoding them.
  Status replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats = nullptr);
  Result<std::vector<LogEntry>> correlation_chain(std::string_view id, const LogQuery& scope = {});

  // Deletes whole sealed segments beyond retention_bytes / retention_age_ms (also done
  // on open and at each segment roll). Never deletes the active segment.
  Status enforce_retention();

  const RecoveryReport& recovery_report() const noexcept { return report_; }
  LogStats stats() const;
  std::vector<SegmentInfo> segments() const;
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  struct PendingRecord {
    std::uint64_t offset = 0;
    std::uint64_t wall_ms = 0;
    std::uint64_t size = 0;  // framed bytes
    std::uint8_t channel = 0;
    std::uint64_t seq = 0;
  };
  // Appends the body of record `i` to `out` and sets its wall_ms, channel and seq.
  using PutBody = std::function<Status(std::size_t i, std::string& out, PendingRecord& rec)>;
  using SegmentPtr = std::shared_ptr<detail::Segment>;

  EventLog(std::filesystem::path dir, LogOptions options);
  // event_log_recovery.cpp
  Status recover();
  Status recover_last(const std::filesystem::path& path, std::uint64_t base);
  Status create_segment(std::uint64_t base_offset);
  // event_log_writer.cpp
  void run_writer(std::stop_token stop);
  void gather(std::unique_lock<std::mutex>& lock, const std::stop_token& stop);
  static constexpr std::size_t kGatherBytes = 128 * 1024;
  static constexpr std::chrono::microseconds kGatherDelay{500};
  Status write_batch();
  void seal_batch();
  Status write_chunk(std::size_t first, std::size_t last, std::size_t byte_begin,
                     std::size_t byte_end);
  Status roll(std::uint64_t next_offset);
  Status sync_active();
  // event_log.cpp
  Result<std::uint64_t> enqueue(std::size_t count, const PutBody& put);
  Status frame_pending(std::size_t count, const PutBody& put);
  Status wait_written();
  std::vector<SegmentPtr> snapshot() const;

  const std::filesystem::path dir_;
  const LogOptions options_;
  std::unique_ptr<detail::DirLock> lock_;
  RecoveryReport report_;

  mutable std::mutex mu_;              // guards the fields down to failed_
  std::condition_variable writer_cv_;  // wakes the writer
  std::condition_variable done_cv_;    // wakes appenders, flush(), queries
  std::string pending_;                // framed records for the next group commit
  std::vector<PendingRecord> pending_meta_;
  std::uint64_t next_offset_ = 1;
  std::uint64_t written_offset_ = 0;  // handed to the OS
  std::uint64_t durable_offset_ = 0;  // fdatasync'ed
  std::uint64_t sync_requested_ = 0;  // flush() wants durability up to here
  bool write_now_ = false;            // wait_written() is waiting: skip gathering
  bool closing_ = false;
  bool closed_ = false;
  std::optional<Error> failed_;  // sticky writer error
  LogStats counters_;

  // Owned by the writer thread (and by open/close when it is not running).
  std::string batch_;
  std::vector<PendingRecord> batch_meta_;
  std::vector<detail::RecordMeta> index_meta_;  // scratch for Segment::add
  std::unique_ptr<File> active_file_;
  std::uint64_t active_size_ = 0;
  std::chrono::steady_clock::time_point last_sync_;
  bool dirty_ = false;

  mutable std::mutex seg_mu_;  // guards segments_ (back() is the active one)
  std::vector<SegmentPtr> segments_;

  std::jthread writer_;
};

}  // namespace vsm::persist
