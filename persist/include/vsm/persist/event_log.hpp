// The append-only event log (DESIGN §5, docs/LOG_FORMAT.md): one writer per directory
// (a lock on LOCK), synchronous appends with group commit, segment roll by size,
// retention by bytes and age, recovery of a torn tail on open, indexed queries, and
// write errors that heal.
// Durability contract: when an append returns OK its records are in the segment file
// (write(2) done; fdatasync'ed too with FsyncPolicy::kAlways), so a process crash
// cannot lose them; the fsync policy decides what an OS crash can lose. Concurrent
// appenders are grouped: one of them writes everyone's records with one write(2).
// Thread-safety: every method may be called from any thread. Appends block for the
// write (and the fdatasync under kAlways) of their group.
//
//   auto log = vsm::persist::EventLog::open(dir, {});
//   if (!log) { spdlog::error("{}", log.error().to_string()); return; }
//   auto off = (*log)->append_encoded_batch(frames);  // then send the frames
//   (*log)->close();                                  // idempotent; the destructor closes too
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/event.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/persist/log_stats.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

namespace detail {
class BodySource;
}

// A record its caller encoded (PROTOCOL.md §1 single-event frame) together with the
// fields the log indexes, which the caller already knows: it wrote them into the bytes.
struct EncodedRecord {
  std::string_view bytes;
  std::uint64_t wall_ms = 0;
  Channel channel = Channel::kCoordination;
  std::uint64_t seq = 0;
};

class EventLog {
 public:
  // Creates `dir` if needed, locks it and recovers it: a torn tail is truncated;
  // damaged segments are skipped and reported (recovery_report()), never fatal.
  // Errors: kAlreadyExists (another writer holds the directory), kInvalid (not a log
  // directory, bad options), kUnsupported (newer format), kIo, kNoSpace.
  static Result<std::unique_ptr<EventLog>> open(std::filesystem::path dir, LogOptions options = {});
  ~EventLog();  // close()
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends one event; returns its log offset (monotonic from 1, independent of
  // Event::seq). Errors: kInvalid/kTooLarge (encoding), kClosed, and while the log
  // fails to write: kNoSpace or kIo (LogStats::health; retried by later appends).
  Result<std::uint64_t> append(const Event& event);
  // Appends events with consecutive offsets; returns the first one. All or nothing.
  Result<std::uint64_t> append_batch(std::span<const Event> events);
  // Appends an event already encoded for the wire (a publisher encodes once for the
  // wire and the log). Only its header is checked (peek_envelope()).
  // Errors: kInvalid (not an encoded event), kTooLarge, kClosed, kNoSpace, kIo.
  Result<std::uint64_t> append_encoded(std::string_view record);
  // As append_encoded() for a batch of records with consecutive offsets; returns the
  // first one. All or nothing. The node calls it with each batch of wire frames before
  // sending the batch.
  Result<std::uint64_t> append_encoded_batch(std::span<const std::string_view> records);
  // As append_encoded_batch() without peeking at the records: the caller vouches that
  // each `bytes` is an encoded event whose ts.wall_ms, channel and seq are the fields
  // given (not checked; the node's publish path, which has just encoded them, uses it).
  // Errors: kTooLarge, kClosed, kNoSpace, kIo.
  Result<std::uint64_t> append_encoded_batch(std::span<const EncodedRecord> records);
  // Blocks until everything appended before the call is fdatasync'ed.
  // Errors: kClosed, kIo/kNoSpace (the log then reports failing, as for appends).
  Status flush();
  // Waits for appends in progress, syncs (unless FsyncPolicy::kNone), stops the sync
  // thread, releases the lock. Idempotent; later appends fail with kClosed.
  Status close();

  // Queries see every event appended before the call. Damaged regions passed over are
  // listed in ScanStats::corruption.
  Result<std::vector<LogEntry>> query(const LogQuery& q, ScanStats* stats = nullptr);
  Status replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats = nullptr);
  // As replay(), but visits the encoded envelopes without decoding them.
  Status replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats = nullptr);
  Result<std::vector<LogEntry>> correlation_chain(std::string_view id, const LogQuery& scope = {});

  // The highest Event::seq per channel (index: channel_index()) among the records
  // published by `publisher` (ts.node), 0 for a channel without any. Reads only the
  // index blocks that can hold a higher seq than found so far (usually one per
  // channel), plus the records of segments whose header is damaged, so a restarted
  // node never reuses a sequence number it logged. Errors: kIo.
  Result<std::array<std::uint64_t, kChannelCount>> last_seqs(std::string_view publisher);

  // Deletes whole sealed segments beyond retention_bytes / retention_age_ms (also done
  // on open and at each segment roll). Never deletes the active segment.
  Status enforce_retention();

  const RecoveryReport& recovery_report() const noexcept;
  LogStats stats() const;
  std::vector<SegmentInfo> segments() const;
  const std::filesystem::path& dir() const noexcept;

 private:
  struct State;  // event_log_state.hpp

  explicit EventLog(std::unique_ptr<State> state);
  Status recover();  // event_log_open.cpp
  Status recover_active();
  Result<std::uint64_t> submit(std::size_t count, const detail::BodySource& source);
  void lead_group(std::unique_lock<std::mutex>& lock);
  Status sync_written();

  std::unique_ptr<State> s_;
};

}  // namespace vsm::persist
