#include "group_writer.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include <cstring>

#include "log_directory.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_writer.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;
namespace fs = std::filesystem;

GroupWriter::GroupWriter(Env& env, fs::path dir, const LogOptions& options, SegmentSet& segments)
    : env_(env), dir_(std::move(dir)), options_(options), segments_(segments) {}

void GroupWriter::adopt(SegmentPtr segment, std::uint64_t size,
                        std::optional<ChainLink> last_link) {
  chain_ = last_link ? *last_link : chain_seed(segment->base_offset());
  active_ = std::move(segment);
  active_size_ = size;
}

Status GroupWriter::create_active(std::uint64_t base) {
  const fs::path path = dir_ / segment_file_name(base);
  auto file = create_file(path, base);
  if (!file) return std::move(file).error();
  active_ = std::make_shared<Segment>(path, base, std::move(file).value());
  active_->set_chained(options_.chained());
  active_size_ = lf::kSegmentHeaderBytes;
  chain_ = chain_seed(base);
  segments_.push(active_);
  return {};
}

Status GroupWriter::frame(const BodySource& source, std::size_t count, std::uint64_t first) {
  const std::size_t bytes_before = group_.size();
  const std::size_t meta_before = meta_.size();
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t start = group_.size();
    const std::size_t link = options_.chained() ? lf::kChainBytes : 0;
    group_.resize(start + lf::kRecordHeaderBytes + link);  // the link is set by seal()
    RecordFields f;
    Status s = source(i, group_, f);
    const std::size_t body = group_.size() - start - lf::kRecordHeaderBytes - link;
    if (s && body > lf::kMaxRecordBodyBytes) {
      s = Error::too_large("encoded event of " + std::to_string(body) +
                           " bytes exceeds the log's record limit");
    }
    if (!s) {
      group_.resize(bytes_before);
      meta_.resize(meta_before);
      return s;
    }
    RecordWriter::put_header(group_.data() + start, body, first + i, f.wall_ms,
                             options_.chained());
    Pending p;
    p.offset = first + i;
    p.wall_ms = f.wall_ms;
    p.size = group_.size() - start;
    p.seq = f.seq;
    p.channel = f.channel;
    meta_.push_back(p);
  }
  return {};
}

// Which records start a new segment (by size), before anything is written: each
// segment's hash chain starts from its own seed.
void GroupWriter::plan() {
  std::uint64_t size = active_size_;
  for (Pending& r : meta_) {
    r.roll_before = size + r.size > options_.segment_bytes && size > lf::kSegmentHeaderBytes;
    if (r.roll_before) size = lf::kSegmentHeaderBytes;
    size += r.size;
  }
}

// The chain link and the crc of each record are computed here, once per group, off the
// encoding loop.
void GroupWriter::seal() {
  constexpr std::size_t kFields = lf::kRecordHeaderBytes - lf::kRecordCrcStart;
  constexpr std::size_t kPrefix = lf::kRecordHeaderBytes + lf::kChainBytes;
  ChainLink link = chain_;
  std::size_t pos = 0;
  for (const Pending& r : meta_) {
    char* rec = group_.data() + pos;
    if (!options_.chained()) {
      RecordWriter::seal(rec, r.size);
      pos += r.size;
      continue;
    }
    if (r.roll_before) link = chain_seed(r.offset);
    link = chain_next(link, std::string_view(rec + lf::kRecordCrcStart, kFields),
                      std::string_view(rec + kPrefix, r.size - kPrefix));
    std::memcpy(rec + lf::kRecordHeaderBytes, link.data(), link.size());
    RecordWriter::seal(rec, r.size);
    pos += r.size;
  }
  pending_chain_ = link;
}

Status GroupWriter::commit(bool sync, bool* sync_failed) {
  *sync_failed = false;
  plan();
  seal();
  Status s;
  if (cut_back_pending_) {
    s = active_->file().truncate(active_size_);
    cut_back_pending_ = !s.ok();
  }
  if (s) s = write_all(sync, sync_failed);
  if (s) {
    publish();
    chain_ = pending_chain_;
  } else {
    rollback();
  }
  group_.clear();
  meta_.clear();
  return s;
}

// Plans the records onto segments (rolling by size) and writes them, one write per
// segment touched.
Status GroupWriter::write_all(bool sync, bool* sync_failed) {
  targets_.clear();
  targets_.push_back(Target{active_->shared_file(), {}, active_->base_offset(), active_size_,
                            active_size_});
  std::size_t chunk_begin = 0;
  std::size_t pos = 0;
  for (Pending& r : meta_) {
    if (r.roll_before) {  // plan() decided it by the same sizes
      Status s = write_chunk(chunk_begin, pos);
      if (s) s = roll(r.offset, sync_failed);
      if (!s) return s;
      chunk_begin = pos;
    }
    r.target = static_cast<std::uint32_t>(targets_.size() - 1);
    r.pos = targets_.back().size + (pos - chunk_begin);
    pos += r.size;
  }
  Status s = write_chunk(chunk_begin, pos);
  if (s && sync) {
    s = this->sync(*targets_.back().file);
    *sync_failed = !s.ok();
  }
  return s;
}

Status GroupWriter::write_chunk(std::size_t begin, std::size_t end) {
  if (begin == end) return {};
  Target& t = targets_.back();
  Status s = t.file->append(std::string_view(group_).substr(begin, end - begin));
  writes_.fetch_add(1, std::memory_order_relaxed);
  if (s) t.size += end - begin;
  return s;
}

// Seals the current target (sealed segments are always durable, so flush() and
// recovery need only look at the active one) and starts a new one at `base`.
Status GroupWriter::roll(std::uint64_t base, bool* sync_failed) {
  if (Status s = sync(*targets_.back().file); !s) {
    *sync_failed = true;
    return s;
  }
  const fs::path path = dir_ / segment_file_name(base);
  auto file = create_file(path, base);
  if (!file) return std::move(file).error();
  targets_.push_back(Target{std::move(file).value(), path, base, lf::kSegmentHeaderBytes,
                            lf::kSegmentHeaderBytes});
  return {};
}

Result<Segment::SharedFile> GroupWriter::create_file(const fs::path& path, std::uint64_t base) {
  auto file = env_.open_file(path, FileMode::kCreate);
  if (!file && file.error().code() == ErrorCode::kAlreadyExists) {
    // Left by a failed roll whose removal failed too: it holds no acknowledged record.
    (void)env_.remove_file(path);
    file = env_.open_file(path, FileMode::kCreate);
  }
  if (!file) return std::move(file).error();
  Segment::SharedFile f(std::move(file).value());
  Status s =
      f->append(encode_segment_header(base, options_.chained() ? lf::kSegmentFlagChained : 0));
  if (s && options_.fsync != FsyncPolicy::kNone) s = sync(*f);
  if (s && options_.fsync != FsyncPolicy::kNone) s = env_.sync_dir(dir_);
  if (!s) {
    f.reset();
    (void)env_.remove_file(path);
    return s.error();
  }
  return f;
}

Status GroupWriter::sync(File& file) {
  syncs_.fetch_add(1, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  Status s = file.sync();
  sync_latency_.record(std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count());
  return s;
}

void GroupWriter::rollback() {
  for (std::size_t k = targets_.size(); k-- > 1;) {
    targets_[k].file.reset();
    if (Status s = env_.remove_file(targets_[k].path); !s) {
      spdlog::warn("event log: cannot remove {} after a failed write: {}",
                   targets_[k].path.string(), s.error().to_string());
    }
  }
  if (!targets_.empty() && !active_->file().truncate(active_size_)) cut_back_pending_ = true;
  targets_.clear();
}

// Indexes the written records in their segments, seals the segments left behind by
// rolls (their .idx side files) and makes the last target the active segment.
void GroupWriter::publish() {
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    const Target& t = targets_[k];
    SegmentPtr seg = k == 0 ? active_ : std::make_shared<Segment>(t.path, t.base, t.file);
    seg->set_chained(options_.chained());
    index_meta_.clear();
    for (const Pending& r : meta_) {
      if (r.target == k) {
        index_meta_.push_back(RecordMeta{r.offset, r.wall_ms, r.pos, r.size, r.channel, r.seq});
      }
    }
    seg->add(index_meta_);
    if (k == 0) continue;
    if (Status s = active_->write_index_file(env_); !s) {
      spdlog::warn("event log: cannot write index {} (rebuilt on the next open): {}",
                   active_->index_path().string(), s.error().to_string());
    }
    segments_.push(seg);
    active_ = seg;
  }
  active_size_ = targets_.back().size;
  const bool rolled = targets_.size() > 1;
  targets_.clear();
  if (rolled) (void)segments_.enforce_retention();
}

}  // namespace vsm::persist::detail
