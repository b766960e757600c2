#include "vsm/persist/log_reader.hpp"

#include "chain.hpp"
#include "last_seqs.hpp"
#include "log_directory.hpp"
#include "log_scan.hpp"
#include "segment_damage.hpp"
#include "segment_loader.hpp"
#include "vsm/persist/env.hpp"

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
  Env& env = env_or_posix(options_.env);
  auto names = detail::list_segments(env, dir_);
  if (!names) return std::move(names).error();
  if (names->empty()) {
    return Error::invalid(dir_.string() + " holds no log segments (*.log); is it an event log?");
  }
  auto loaded = detail::load_segments(env, *names, false);
  if (!loaded) return std::move(loaded).error();
  open_corruption_ = std::move(loaded->corruption);
  indexes_rebuilt_ = loaded->indexes_rebuilt;
  segments_ = std::move(loaded->segments);
  // The last segment may be live or torn: scan it, ignore an incomplete tail. (One
  // being created, shorter than a header, was left out by the loader.)
  if (!loaded->torn_last && !segments_.empty() && !segments_.back()->damaged()) {
    auto scan = segments_.back()->scan();
    if (!scan) return std::move(scan).error();
    open_corruption_.insert(open_corruption_.end(), scan->corruption.begin(),
                            scan->corruption.end());
    segments_.back()->set_index(std::move(scan->index));
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

// Every record is read and checked afresh (the indexes are not trusted); damaged
// headers, damaged ends of sealed segments and offsets in no segment are reported as
// replay reports them.
Result<VerifyReport> LogReader::verify(const ProgressFn& progress) const {
  VerifyReport report;
  std::uint64_t total = 0;
  for (const auto& s : segments_) total += s->stats().end_pos;
  std::uint64_t done = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& seg = *segments_[i];
    ++report.segments;
    done += seg.stats().end_pos;
    if (seg.damaged()) {
      report.bytes += seg.stats().end_pos;
      report.corruption.push_back(*seg.header_damage());
      if (progress) progress(done, total);
      continue;
    }
    auto scan = seg.scan();
    if (!scan) return std::move(scan).error();
    if (seg.chained()) {
      auto chain = seg.check_chain();
      if (!chain) return std::move(chain).error();
      if (chain->broken) report.corruption.push_back(*chain->broken);
      report.chain_heads.emplace_back(seg.path().string(), detail::to_hex(chain->head));
    } else {
      ++report.unchained_segments;  // version 1, or written with hash_chain off
    }
    const auto& st = scan->index.stats();
    report.records += st.records;
    report.bytes += st.end_pos + scan->tail_bytes;
    report.corruption.insert(report.corruption.end(), scan->corruption.begin(),
                             scan->corruption.end());
    if (i + 1 == segments_.size()) {
      report.tail_bytes = scan->tail_bytes;
    } else if (auto end = detail::end_damage(
                   seg.path().string(), st.end_pos, st.end_pos + scan->tail_bytes,
                   st.records > 0 ? st.last_offset : seg.base_offset() - 1,
                   segments_[i + 1]->base_offset(), scan->tail_reason)) {
      report.corruption.push_back(*end);
    }
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

Result<std::array<std::uint64_t, kChannelCount>> LogReader::last_seqs(
    std::string_view publisher) const {
  return detail::find_last_seqs(segments_, publisher);
}

}  // namespace vsm::persist
