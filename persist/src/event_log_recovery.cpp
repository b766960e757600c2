// EventLog open-time recovery (index load/rebuild, torn tail truncation), segment
// creation and retention.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "log_directory.hpp"
#include "segment.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist {

namespace lf = log_format;
namespace fs = std::filesystem;
using detail::Segment;

Status EventLog::recover() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error::io("cannot create log directory " + dir_.string() + ": " + ec.message());
  auto names = detail::list_segments(dir_);
  if (!names) return std::move(names).error();
  auto lock = detail::DirLock::acquire(dir_);
  if (!lock) return std::move(lock).error();
  lock_ = std::make_unique<detail::DirLock>(std::move(lock).value());
  for (std::size_t i = 0; i + 1 < names->size(); ++i) {
    auto seg = Segment::open((*names)[i].path, (*names)[i].base_offset);
    if (!seg) return std::move(seg).error();
    bool rebuilt = false;
    Status s = (*seg)->load_index(true, &rebuilt, &report_.corruption);
    if (!s) return s;
    report_.indexes_rebuilt += rebuilt ? 1 : 0;
    report_.records += (*seg)->stats().records;
    segments_.push_back(std::move(seg).value());
  }
  Status s = names->empty() ? create_segment(1)
                            : recover_last(names->back().path, names->back().base_offset);
  if (!s) return s;
  report_.segments = segments_.size();
  // The next offset follows the newest record, or the (empty) active segment's name.
  std::uint64_t next = segments_.back()->base_offset();
  for (const auto& seg : segments_) next = std::max(next, seg->stats().last_offset + 1);
  next_offset_ = next;
  written_offset_ = durable_offset_ = next - 1;
  if (report_.torn_bytes > 0) {
    spdlog::warn("event log {}: truncated a torn tail of {} bytes", dir_.string(),
                 report_.torn_bytes);
  }
  for (const CorruptRegion& c : report_.corruption) {
    spdlog::warn("event log {}: skipped {} corrupt bytes at {}:{} ({})", dir_.string(), c.bytes,
                 c.segment, c.pos, c.reason);
  }
  return enforce_retention();
}

Status EventLog::recover_last(const fs::path& path, std::uint64_t base) {
  std::error_code size_ec;
  const std::uint64_t size = fs::file_size(path, size_ec);
  if (size_ec) return Error::io("cannot stat " + path.string() + ": " + size_ec.message());
  if (size < lf::kSegmentHeaderBytes) {
    // Crash while creating the segment: its header is torn; nothing else is in it.
    report_.torn_bytes += size;
    report_.torn_records += size > 0 ? 1 : 0;
    std::error_code ec;
    fs::remove(path, ec);
    return create_segment(base);
  }
  auto seg = Segment::open(path, base);
  if (!seg) return std::move(seg).error();
  auto scan = (*seg)->scan();
  if (!scan) return std::move(scan).error();
  report_.corruption.insert(report_.corruption.end(), scan->corruption.begin(),
                            scan->corruption.end());
  report_.records += scan->index.stats().records;
  auto file = open_file(path, FileMode::kReadWrite);
  if (!file) return std::move(file).error();
  const std::uint64_t valid_end = scan->index.stats().end_pos;
  if (scan->tail_bytes > 0) {
    report_.torn_records += 1;
    report_.torn_bytes += scan->tail_bytes;
    Status s = (*file)->truncate(valid_end);
    if (s && options_.fsync != FsyncPolicy::kNone) s = (*file)->sync();
    if (!s) return s;
  }
  (*seg)->set_index(std::move(scan->index));
  active_file_ = std::move(file).value();
  active_size_ = valid_end;
  segments_.push_back(std::move(seg).value());
  return {};
}

Status EventLog::create_segment(std::uint64_t base_offset) {
  const fs::path path = dir_ / detail::segment_file_name(base_offset);
  auto file = open_file(path, FileMode::kCreate);
  if (!file) return std::move(file).error();
  const std::string header = encode_segment_header(base_offset);
  Status s = (*file)->append(header);
  if (s && options_.fsync != FsyncPolicy::kNone) s = (*file)->sync();
  if (s && options_.fsync != FsyncPolicy::kNone) s = sync_dir(dir_);
  if (!s) return s;
  auto seg = Segment::open(path, base_offset);
  if (!seg) return std::move(seg).error();
  active_file_ = std::move(file).value();
  active_size_ = header.size();
  std::lock_guard lock(seg_mu_);
  segments_.push_back(std::move(seg).value());
  return {};
}

Status EventLog::enforce_retention() {
  const std::uint64_t now_ms =
      (options_.clock != nullptr ? *options_.clock : system_wall_clock()).now_ms();
  std::vector<SegmentPtr> doomed;
  {
    std::lock_guard lock(seg_mu_);
    std::uint64_t total = 0;
    for (const auto& seg : segments_) total += seg->stats().end_pos;
    while (segments_.size() > 1) {
      const auto s = segments_.front()->stats();
      const bool too_big = options_.retention_bytes != 0 && total > options_.retention_bytes;
      const bool too_old = options_.retention_age_ms != 0 && s.records > 0 &&
                           s.max_wall_ms + options_.retention_age_ms < now_ms;
      if (!too_big && !too_old) break;
      total -= s.end_pos;
      doomed.push_back(segments_.front());
      segments_.erase(segments_.begin());
    }
  }
  for (const auto& seg : doomed) {
    std::error_code ec;
    fs::remove(seg->index_path(), ec);
    if (!fs::remove(seg->path(), ec) && ec) {
      return Error::io("retention cannot remove " + seg->path().string() + ": " + ec.message());
    }
  }
  if (!doomed.empty()) {
    std::lock_guard lock(mu_);
    counters_.segments_deleted += doomed.size();
  }
  return {};
}

}  // namespace vsm::persist
