#include "vsm/persist/log_reader.hpp"

#include "log_directory.hpp"
#include "log_scan.hpp"
#include "segment.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist {

using detail::Segment;

LogReader::LogReader(std::filesystem::path dir, ReaderOptions options)
    : dir_(std::move(dir)), options_(options) {}

LogReader::~LogReader() = default;

Result<std::unique_ptr<LogReader>> LogReader::open(std::filesystem::path dir,
                                                   ReaderOptions options) {
  std::unique_ptr<LogReader> reader(new LogReader(std::move(dir), options));
  Status s = reader->load();
  if (!s) return s.error();
  return reader;
}

Status LogReader::load() {
  auto names = detail::list_segments(dir_);
  if (!names) return std::move(names).error();
  if (names->empty()) {
    return Error::invalid(dir_.string() + " holds no log segments (*.log); is it an event log?");
  }
  for (std::size_t i = 0; i < names->size(); ++i) {
    const auto& n = (*names)[i];
    const bool last = i + 1 == names->size();
    auto seg = Segment::open(n.path, n.base_offset);
    if (!seg) {
      std::error_code ec;
      const bool gone = !std::filesystem::exists(n.path, ec);  // retention ran meanwhile
      const bool being_created =  // a writer is creating it (or crashed doing so)
          last && std::filesystem::file_size(n.path, ec) < log_format::kSegmentHeaderBytes;
      if (gone || (being_created && !ec)) continue;
      return std::move(seg).error();
    }
    if (last) {
      // The last segment may be live or torn: scan it, ignore an incomplete tail.
      auto scan = (*seg)->scan();
      if (!scan) return std::move(scan).error();
      open_corruption_.insert(open_corruption_.end(), scan->corruption.begin(),
                              scan->corruption.end());
      (*seg)->set_index(std::move(scan->index));
    } else {
      bool rebuilt = false;
      Status st = (*seg)->load_index(false, &rebuilt, &open_corruption_);
      if (!st) return st;
      indexes_rebuilt_ += rebuilt ? 1 : 0;
    }
    segments_.push_back(std::move(seg).value());
  }
  return {};
}

Status LogReader::replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats) const {
  return detail::scan_log(
      segments_, q, options_.codec, [&](LogEntry& e) { return visit(e); }, stats);
}

Status LogReader::replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats) const {
  return detail::scan_log_raw(segments_, q, visit, stats);
}

Result<std::vector<LogEntry>> LogReader::query(const LogQuery& q, ScanStats* stats) const {
  std::vector<LogEntry> out;
  Status s = detail::scan_log(
      segments_, q, options_.codec,
      [&](LogEntry& e) {
        out.push_back(std::move(e));
        return true;
      },
      stats);
  if (!s) return s.error();
  return out;
}

Result<std::vector<LogEntry>> LogReader::correlation_chain(std::string_view id,
                                                           const LogQuery& scope) const {
  return detail::collect_correlation_chain(
      [this](const LogQuery& q, const detail::EntryVisitor& v) {
        return detail::scan_log(segments_, q, options_.codec, v, nullptr);
      },
      id, scope);
}

std::vector<SegmentInfo> LogReader::segments() const {
  std::vector<SegmentInfo> out;
  for (const auto& s : segments_) out.push_back(s->info());
  return out;
}

Result<VerifyReport> LogReader::verify(const ProgressFn& progress) const {
  VerifyReport report;
  std::uint64_t total = 0;
  for (const auto& s : segments_) total += s->stats().end_pos;
  std::uint64_t done = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& seg = *segments_[i];
    auto scan = seg.scan();
    if (!scan) return std::move(scan).error();
    ++report.segments;
    report.records += scan->index.stats().records;
    report.bytes += scan->index.stats().end_pos + scan->tail_bytes;
    report.corruption.insert(report.corruption.end(), scan->corruption.begin(),
                             scan->corruption.end());
    if (scan->tail_bytes > 0) {
      if (i + 1 == segments_.size()) {
        report.tail_bytes = scan->tail_bytes;
      } else {
        report.corruption.push_back(CorruptRegion{seg.path().string(), scan->index.stats().end_pos,
                                                  scan->tail_bytes, scan->tail_reason});
      }
    }
    done += seg.stats().end_pos;
    if (progress) progress(done, total);
  }
  // Second pass over the bodies: every record must decode.
  LogQuery all;
  ScanStats stats;
  Status s = replay(
      all, [](const LogEntry&) { return true; }, &stats);
  if (!s) return s.error();
  report.decode_errors = stats.decode_errors;
  return report;
}

}  // namespace vsm::persist
