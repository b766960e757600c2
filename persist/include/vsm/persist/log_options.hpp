// Configuration of the event log (STYLE rule 11: units in names, documented defaults).
// The durability each fsync policy gives is stated in docs/LOG_FORMAT.md "Durability".
#pragma once

#include <cstdint>
#include <optional>

#include "vsm/codec.hpp"
#include "vsm/hlc.hpp"

namespace vsm::persist {

class Env;

// Every policy writes (write(2)) a record before its append returns, so a process
// crash loses nothing acknowledged; the policy decides what an OS crash can lose.
enum class FsyncPolicy {
  kNone,      // never fdatasync (the OS flushes); an OS crash may lose what it had not
  kInterval,  // a background thread fdatasyncs every fsync_interval_ms while data is unsynced
  kAlways,    // append() returns only after its record is durable (one fdatasync per group)
};

struct LogOptions {
  std::uint64_t segment_bytes = 64ull << 20;  // roll to a new segment past this size
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  std::uint64_t fsync_interval_ms = 100;
  std::uint64_t retention_bytes = 0;   // 0 = unlimited; whole old segments deleted
  std::uint64_t retention_age_ms = 0;  // 0 = forever; by the segment's newest event
  // Most bytes one group commit writes: a group of concurrent appends stops growing
  // past this (the rest go in the next group). One append is never split.
  std::uint64_t max_pending_bytes = 32ull << 20;
  // After a failed write or sync, appends fail at once with the same error (no
  // syscall) for this long; then the next append tries again.
  std::uint64_t error_retry_interval_ms = 1000;
  // Hash-chain every record (docs/LOG_FORMAT.md "Hash chain"): a changed, removed or
  // inserted record is found by LogReader::verify() even with its checksum fixed. Costs
  // 32 bytes and one BLAKE2b per record on the writer (about a fifth of a logging
  // publisher's CPU at 100 B). A log reopened with the other setting continues in a new
  // segment. Unset: on for an EventLog opened directly; a Node turns it on when its
  // security is on (NodeConfig::security), like event signatures, and off otherwise.
  std::optional<bool> hash_chain;
  bool chained() const noexcept { return hash_chain.value_or(true); }
  CodecLimits codec;                 // limits for encoding and decoding
  const WallClock* clock = nullptr;  // for retention by age; null = system clock
  // Monotonic milliseconds for error_retry_interval_ms (tests inject one); null =
  // vsm::monotonic_ms().
  const WallClock* retry_clock = nullptr;
  Env* env = nullptr;  // the filesystem (env.hpp); null = the POSIX one
};

// Opening a log read-only (LogReader, vsmcat): no lock, never modifies files.
struct ReaderOptions {
  CodecLimits codec;
  Env* env = nullptr;  // null = the POSIX filesystem
};

}  // namespace vsm::persist
