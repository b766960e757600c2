// Query execution over a snapshot of segments: picks segments and index blocks by
// offset, time, channel and seq (binary search on offsets), verifies records, checks
// the remaining filters on a peeked envelope header, and decodes only the matches.
// Thread-safe for concurrent scans over shared Segments.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "segment_set.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/persist/log_report.hpp"

namespace vsm::persist::detail {

// Receives each matching entry (may move from it); returns false to stop.
using EntryVisitor = std::function<bool(LogEntry&)>;
using ScanFn = std::function<Status(const LogQuery&, const EntryVisitor&)>;

// Visits the matching events in offset order; stops early when `visit` returns false
// or q.limit events were visited. Undecodable records are skipped and counted in
// *stats (may be null); every damaged region passed over within the queried offsets
// (skipped bytes, damaged segments, missing offsets) is listed in stats->corruption.
Status scan_log(const SegmentList& segments, const LogQuery& q, const CodecLimits& limits,
                const EntryVisitor& visit, ScanStats* stats);

// As scan_log, but visits the encoded envelopes without decoding them; a record whose
// envelope header does not peek is counted as a decode error.
Status scan_log_raw(const SegmentList& segments, const LogQuery& q, const RawVisitor& visit,
                    ScanStats* stats);

// Events linked to `id` (correlation_id / causation_id), and the event whose id
// is `id`), within `scope`, sorted by HLC timestamp.
Result<std::vector<LogEntry>> collect_correlation_chain(const ScanFn& scan, std::string_view id,
                                                        const LogQuery& scope);

}  // namespace vsm::persist::detail
