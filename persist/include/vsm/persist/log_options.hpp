// Configuration of the event log (STYLE rule 11: units in names, documented defaults).
#pragma once

#include <cstdint>

#include "vsm/codec.hpp"
#include "vsm/hlc.hpp"

namespace vsm::persist {

enum class FsyncPolicy {
  kNone,      // never fdatasync (the OS flushes); fastest, a crash may lose recent events
  kInterval,  // fdatasync at most every fsync_interval_ms while there is unsynced data
  kAlways,    // append() returns only after its record is durable (group commit)
};

struct LogOptions {
  std::uint64_t segment_bytes = 64ull << 20;  // roll to a new segment past this size
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  std::uint64_t fsync_interval_ms = 100;
  std::uint64_t retention_bytes = 0;              // 0 = unlimited; whole old segments deleted
  std::uint64_t retention_age_ms = 0;             // 0 = forever; by the segment's newest event
  std::uint64_t max_pending_bytes = 32ull << 20;  // append() blocks when the writer lags
  CodecLimits codec;                              // limits for encoding and decoding
  const WallClock* clock = nullptr;               // for retention by age; null = system clock
};

// Opening a log read-only (LogReader, vsmcat): no lock, never modifies files.
struct ReaderOptions {
  CodecLimits codec;
};

}  // namespace vsm::persist
