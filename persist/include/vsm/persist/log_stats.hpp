// Counters and health of an EventLog (EventLog::stats()): plain values.
#pragma once

#include <cstdint>
#include <string>

#include "vsm/latency_histogram.hpp"

namespace vsm::persist {

enum class LogHealth {
  kHealthy,  // the last write (and sync) succeeded
  kFailing,  // writes fail (e.g. a full disk): appends fail fast and retry (LOG_FORMAT.md)
};

struct LogStats {
  std::uint64_t first_offset = 0;    // oldest retained (0 when empty)
  std::uint64_t last_offset = 0;     // newest appended (0 when empty)
  std::uint64_t durable_offset = 0;  // newest known fdatasync'ed
  std::uint64_t segments = 0;
  std::uint64_t bytes = 0;             // total segment bytes written
  std::uint64_t appended = 0;          // records appended since open
  std::uint64_t batches = 0;           // group commits (one write(2) per segment touched)
  std::uint64_t syncs = 0;             // fdatasync calls
  std::uint64_t segments_deleted = 0;  // by retention since open
  std::uint64_t damaged_segments = 0;  // segments skipped because their header is damaged
  std::uint64_t queued_appends = 0;    // append calls in the writer queue now (group included)
  LatencySnapshot sync_latency;        // durations of the fdatasync calls since open

  // Errors that heal (docs/LOG_FORMAT.md): since open.
  LogHealth health = LogHealth::kHealthy;
  std::string last_error;            // the last write/sync error ("" when none)
  std::uint64_t write_errors = 0;    // failed write, truncate or sync attempts
  std::uint64_t failed_appends = 0;  // append calls that failed with an I/O error
  std::uint64_t recoveries = 0;      // failing -> healthy transitions
};

}  // namespace vsm::persist
