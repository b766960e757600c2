// Opens the segments of a log directory, for the writer (EventLog) and for readers
// (LogReader), so that damage costs only what it touches (docs/LOG_FORMAT.md
// "Damage"): every header is checked; a segment whose header is damaged is kept as a
// damaged Segment (skipped by scans, reported); every sealed segment's index is loaded
// from its .idx side file or rebuilt; bytes after the last valid record of a sealed
// segment, and offsets between two segments that neither holds (a missing segment),
// become the end damage of the segment before them. The last segment is opened but not
// scanned: the writer recovers its torn tail, a reader ignores it.
// Thread-safety: plain function; the segments returned are not shared yet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "log_directory.hpp"
#include "segment.hpp"
#include "vsm/persist/env.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

struct LoadedSegments {
  // In base-offset order. The last one is healthy (opened read-write for the writer),
  // damaged, or absent when its creation was torn (then torn_last is set).
  std::vector<std::shared_ptr<Segment>> segments;
  std::vector<CorruptRegion> corruption;  // everything found while loading, in log order
  std::vector<std::string> damaged_segments;
  std::uint64_t indexes_rebuilt = 0;
  // The last segment file is shorter than a header (a crash while creating it).
  std::optional<SegmentName> torn_last;
};

// `writer`: rebuilt indexes are written back, the last segment is opened read-write
// and no segment may vanish meanwhile (a reader drops the segments that retention
// removes while it opens them). Errors: kUnsupported (a newer format), the Env's.
Result<LoadedSegments> load_segments(Env& env, const std::vector<SegmentName>& names,
                                     bool writer);

// Bytes of an average record in `segments` (for estimates; a typical size when empty).
std::uint64_t average_record_bytes(const std::vector<std::shared_ptr<Segment>>& segments);

}  // namespace vsm::persist::detail
