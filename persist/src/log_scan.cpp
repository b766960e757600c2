#include "log_scan.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "vsm/persist/record_reader.hpp"

namespace vsm::persist::detail {
namespace {

class StatsReporter final : public RecordReader::Reporter {
 public:
  StatsReporter(const Segment& seg, ScanStats* stats) : seg_(seg), stats_(stats) {}
  void corruption(std::uint64_t pos, std::uint64_t bytes, std::string_view reason) override {
    if (stats_ != nullptr) {
      stats_->corruption.push_back(
          CorruptRegion{seg_.path().string(), pos, bytes, std::string(reason)});
    }
  }

 private:
  const Segment& seg_;
  ScanStats* stats_;
};

enum class Flow { kContinue, kStop };

// Scans one block range of a segment.
Result<Flow> scan_range(const Segment& seg, const PosRange& range, const LogQuery& q,
                        const CodecLimits& limits, const EntryVisitor& visit, std::size_t& seen,
                        ScanStats* stats) {
  StatsReporter reporter(seg, stats);
  RecordReader reader(seg.file(), range.begin, range.end, range.prev_offset, &reporter);
  LogEntry entry;
  while (auto r = reader.next()) {
    if (stats != nullptr) ++stats->records_read;
    if (r->offset > q.to_offset) return Flow::kStop;
    if (!q.matches_header(r->offset, r->wall_ms)) continue;
    auto ev = decode_event(r->body, limits);
    if (!ev) {
      if (stats != nullptr) ++stats->decode_errors;
      continue;
    }
    if (!q.matches(*ev)) continue;
    entry.offset = r->offset;
    entry.event = std::move(ev).value();
    if (!visit(entry)) return Flow::kStop;
    if (q.limit != 0 && ++seen >= q.limit) return Flow::kStop;
  }
  if (!reader.status().ok()) return reader.status().error();
  return Flow::kContinue;
}

}  // namespace

Status scan_log(const SegmentList& segments, const LogQuery& q, const CodecLimits& limits,
                const EntryVisitor& visit, ScanStats* stats) {
  std::size_t seen = 0;
  for (const auto& seg : segments) {
    const SegmentStats s = seg->stats();
    if (s.records == 0 || s.last_offset < q.from_offset || s.first_offset > q.to_offset) continue;
    if (s.max_wall_ms < q.from_wall_ms || s.min_wall_ms > q.to_wall_ms) continue;
    for (const PosRange& range :
         seg->ranges(q.from_offset, q.to_offset, q.from_wall_ms, q.to_wall_ms)) {
      auto flow = scan_range(*seg, range, q, limits, visit, seen, stats);
      if (!flow) return std::move(flow).error();
      if (*flow == Flow::kStop) return {};
    }
  }
  return {};
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
      const bool linked = ev.correlation_id == root || ev.id == root ||
                          (!ev.causation_id.empty() && chain.count(ev.causation_id) != 0) ||
                          ev.causation_id == root || wanted_causes.count(ev.id) != 0;
      if (linked && chain.count(ev.id) == 0) {
        if (!ev.causation_id.empty() && chain.count(ev.causation_id) == 0) {
          wanted_causes.insert(ev.causation_id);
        }
        std::string key = ev.id;
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
