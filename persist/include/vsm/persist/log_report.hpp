// What the log found when opening, scanning or verifying: plain values for callers,
// the CLI (`vsmcat log info/verify`, `vsmcat replay`) and the node's stats.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vsm::persist {

// A damaged region: bytes that held no valid record, a segment whose header is
// damaged (the whole segment), or log offsets that no segment holds (a missing
// segment or a cut-off end of one; then bytes may be 0). Data was lost there.
struct CorruptRegion {
  std::string segment;  // segment file path (the one before the gap for missing offsets)
  std::uint64_t pos = 0;
  std::uint64_t bytes = 0;
  std::string reason;
  // The log offsets lost, when known (first_offset 0: unknown, e.g. garbage after the
  // last record of a segment, or the unknown end of a damaged last segment).
  std::uint64_t first_offset = 0;
  std::uint64_t last_offset = 0;
  // Events lost: exact (last_offset - first_offset + 1) when the offsets are known,
  // else estimated from the bytes (or the segment's .idx side file).
  std::uint64_t estimated_events = 0;
};

// One line for logs and the CLI, e.g. "/log/00000000000000000001.log at byte 4096: 120 bytes,
// ~3 events lost (offsets 7..9): checksum mismatch".
std::string describe(const CorruptRegion& region);

struct RecoveryReport {
  std::uint64_t segments = 0;
  std::uint64_t records = 0;
  std::uint64_t torn_records = 0;         // incomplete records truncated from the tail (0 or 1)
  std::uint64_t torn_bytes = 0;           // bytes truncated
  std::uint64_t indexes_rebuilt = 0;      // .idx side files missing or corrupt, rebuilt
  std::vector<CorruptRegion> corruption;  // skipped regions and missing offsets (data lost there)
  // Segments whose header is damaged: skipped as a whole (also listed in corruption).
  std::vector<std::string> damaged_segments;
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
  bool damaged = false;  // header damaged: the segment is skipped
};

struct VerifyReport {
  std::uint64_t segments = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t decode_errors = 0;  // records whose checksum is fine but msgpack is not
  std::uint64_t tail_bytes = 0;     // incomplete bytes at the end of the last segment
  std::vector<CorruptRegion> corruption;  // hash-chain breaks included (version 2 segments)
  // Per hash-chained segment, in order: its path and the hex link of its last record
  // (the head: record it elsewhere to detect a rewrite of the whole chain).
  std::vector<std::pair<std::string, std::string>> chain_heads;
  std::uint64_t unchained_segments = 0;  // without the chain: version 1, or hash_chain off
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
  // The damage report: every damaged region the scan passed over within the queried
  // offsets (skipped bytes, damaged segments, missing offsets), in log order.
  std::vector<CorruptRegion> corruption;
  std::uint64_t damaged_events() const noexcept {
    std::uint64_t n = 0;
    for (const CorruptRegion& c : corruption) n += c.estimated_events;
    return n;
  }
};

}  // namespace vsm::persist
