// What the log found when opening, scanning or verifying: plain values for callers,
// the CLI (`vsmcat log info/verify`) and the node's stats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vsm::persist {

// A run of bytes that held no valid record, with the reason the first of them failed.
struct CorruptRegion {
  std::string segment;  // segment file path
  std::uint64_t pos = 0;
  std::uint64_t bytes = 0;
  std::string reason;
};

struct RecoveryReport {
  std::uint64_t segments = 0;
  std::uint64_t records = 0;
  std::uint64_t torn_records = 0;         // incomplete records truncated from the tail (0 or 1)
  std::uint64_t torn_bytes = 0;           // bytes truncated
  std::uint64_t indexes_rebuilt = 0;      // .idx side files missing or corrupt, rebuilt
  std::vector<CorruptRegion> corruption;  // skipped mid-log regions (data lost there)
};

struct SegmentInfo {
  std::string path;
  std::uint64_t base_offset = 0;
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  std::uint64_t first_offset = 0;  // 0 when empty
  std::uint64_t last_offset = 0;
  std::uint64_t min_wall_ms = 0;
  std::uint64_t max_wall_ms = 0;
};

struct VerifyReport {
  std::uint64_t segments = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t decode_errors = 0;  // records whose checksum is fine but msgpack is not
  std::uint64_t tail_bytes = 0;     // incomplete bytes at the end of the last segment
  std::vector<CorruptRegion> corruption;
  bool ok() const noexcept { return corruption.empty() && decode_errors == 0; }
};

// Counters of a scan (query, replay): records whose body did not decode are skipped.
// records_read counts records read from disk (only index blocks that can match are
// read); records_decoded counts full msgpack decodes (only records whose peeked
// header matches are decoded).
struct ScanStats {
  std::uint64_t records_read = 0;
  std::uint64_t records_decoded = 0;
  std::uint64_t decode_errors = 0;
  // Set when LogQuery::max_records_read stopped the scan early: the offset to continue
  // from (as from_offset). 0 when the scan ended for any other reason.
  std::uint64_t resume_offset = 0;
  std::vector<CorruptRegion> corruption;
};

}  // namespace vsm::persist
