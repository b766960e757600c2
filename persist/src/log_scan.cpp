#include "log_scan.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "record_body.hpp"
#include "segment_damage.hpp"
#include "vsm/persist/record_reader.hpp"

namespace vsm::persist::detail {
namespace {

// Adds `region` to the damage report when it may hold offsets the query asks for.
void report(const std::optional<CorruptRegion>& region, const LogQuery& q, ScanStats* stats) {
  if (stats == nullptr || !region) return;
  const bool known = region->first_offset != 0;
  if (known && (region->first_offset > q.to_offset || region->last_offset < q.from_offset)) return;
  stats->corruption.push_back(*region);
}

enum class Flow { kSkip, kContinue, kStop };
// Receives each record that passed the header and peeked-envelope filters.
using RecordSink = std::function<Flow(const Record&)>;

// Passes `r` to `sink` if it matches the header and peeked-envelope filters of `q`.
Flow offer(const Record& r, const LogQuery& q, bool peek, const RecordSink& sink,
           ScanStats* stats) {
  if (!q.matches_header(r.offset, r.wall_ms)) return Flow::kSkip;
  if (peek) {
    auto h = peek_body(r.body);
    if (!h) {
      if (stats != nullptr) ++stats->decode_errors;
      return Flow::kSkip;
    }
    if (!q.matches(*h)) return Flow::kSkip;
  }
  return sink(r);
}

// Scans one block range of a segment; false when the scan is over. `budget`: records
// that may still be read (q.max_records_read).
Result<bool> scan_range(const Segment& seg, const PosRange& range, const LogQuery& q,
                        const RecordSink& sink, std::uint64_t& budget, ScanStats* stats) {
  RegionReporter reporter(seg.path().string(), stats != nullptr ? &stats->corruption : nullptr);
  RecordReader reader(seg.file(), range.begin, range.end, range.prev_offset, &reporter);
  const bool peek = q.filters_envelope();
  while (auto r = reader.next()) {
    if (stats != nullptr) ++stats->records_read;
    if (r->offset < q.from_offset) continue;  // the head of the first block
    if (r->offset > q.to_offset) return false;
    if (offer(*r, q, peek, sink, stats) == Flow::kStop) return false;
    if (--budget == 0) {
      if (stats != nullptr && r->offset < q.to_offset) stats->resume_offset = r->offset + 1;
      return false;
    }
  }
  if (!reader.status().ok()) return reader.status().error();
  if (reader.tail_bytes() > 0 && stats != nullptr) {  // inside a range: never a live tail
    const bool lost = range.last_offset > reader.last_offset();
    stats->corruption.push_back(lost_region(seg.path().string(), reader.valid_end(),
                                            reader.tail_bytes(), reader.tail_reason(),
                                            lost ? reader.last_offset() + 1 : 0,
                                            lost ? range.last_offset : 0));
  }
  return true;
}

// Feeds `sink` the records of the blocks that may match `q`, in offset order.
Status scan_records(const SegmentList& segments, const LogQuery& q, const RecordSink& sink,
                    ScanStats* stats) {
  std::uint64_t budget = q.max_records_read == 0 ? UINT64_MAX : q.max_records_read;
  // The first segment that can hold from_offset: the last one based at or before it.
  auto it = std::upper_bound(segments.begin(), segments.end(), q.from_offset,
                             [](std::uint64_t off, const std::shared_ptr<Segment>& s) {
                               return off < s->base_offset();
                             });
  if (it != segments.begin()) --it;
  for (; it != segments.end() && (*it)->base_offset() <= q.to_offset; ++it) {
    const Segment& seg = **it;
    report(seg.header_damage(), q, stats);
    const SegmentStats s = seg.stats();
    const bool skip = seg.damaged() || s.records == 0 || s.last_offset < q.from_offset ||
                      s.first_offset > q.to_offset || s.max_wall_ms < q.from_wall_ms ||
                      s.min_wall_ms > q.to_wall_ms || !seqs_may_match(s.seqs, q);
    for (const PosRange& range : skip ? std::vector<PosRange>() : seg.ranges(q)) {
      auto more = scan_range(seg, range, q, sink, budget, stats);
      if (!more) return std::move(more).error();
      if (!*more) return {};
    }
    report(seg.end_damage(), q, stats);
  }
  return {};
}

}  // namespace

Status scan_log(const SegmentList& segments, const LogQuery& q, const CodecLimits& limits,
                const EntryVisitor& visit, ScanStats* stats) {
  std::size_t seen = 0;
  LogEntry entry;
  return scan_records(
      segments, q,
      [&](const Record& r) {
        auto ev = decode_body(r.body, limits);
        if (stats != nullptr) ++stats->records_decoded;
        if (!ev) {
          if (stats != nullptr) ++stats->decode_errors;
          return Flow::kSkip;
        }
        if (!q.matches(*ev)) return Flow::kSkip;
        entry.offset = r.offset;
        entry.event = std::move(ev).value();
        if (!visit(entry)) return Flow::kStop;
        return q.limit != 0 && ++seen >= q.limit ? Flow::kStop : Flow::kContinue;
      },
      stats);
}

Status scan_log_raw(const SegmentList& segments, const LogQuery& q, const RawVisitor& visit,
                    ScanStats* stats) {
  std::size_t seen = 0;
  return scan_records(
      segments, q,
      [&](const Record& r) {
        if (!visit(RawEntry{r.offset, r.wall_ms, r.body})) return Flow::kStop;
        return q.limit != 0 && ++seen >= q.limit ? Flow::kStop : Flow::kContinue;
      },
      stats);
}

Result<std::vector<LogEntry>> collect_correlation_chain(const ScanFn& scan, std::string_view id,
                                                        const LogQuery& scope) {
  constexpr int kMaxPasses = 4;  // causes usually precede effects: one pass finds all
  std::unordered_map<std::string, LogEntry> chain;  // by event id
  std::unordered_set<std::string> wanted_causes;    // ids referenced but not yet found
  const std::string root(id);
  LogQuery q = scope;
  q.limit = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    const std::size_t before = chain.size();
    Status s = scan(q, [&](LogEntry& e) {
      const Event& ev = e.event;
      std::string key = ev.id.to_string();  // correlation and causation ids are text
      const bool linked = ev.correlation_id == root || key == root ||
                          (!ev.causation_id.empty() && chain.count(ev.causation_id) != 0) ||
                          ev.causation_id == root || wanted_causes.count(key) != 0;
      if (linked && chain.count(key) == 0) {
        if (!ev.causation_id.empty() && chain.count(ev.causation_id) == 0) {
          wanted_causes.insert(ev.causation_id);
        }
        wanted_causes.erase(key);
        chain.emplace(std::move(key), std::move(e));
      }
      return true;
    });
    if (!s) return s.error();
    if (chain.size() == before) break;
  }
  std::vector<LogEntry> out;
  out.reserve(chain.size());
  for (auto& [key, entry] : chain) out.push_back(std::move(entry));
  std::sort(out.begin(), out.end(), [](const LogEntry& a, const LogEntry& b) {
    if (a.event.ts != b.event.ts) return a.event.ts < b.event.ts;
    return a.offset < b.offset;
  });
  return out;
}

}  // namespace vsm::persist::detail
