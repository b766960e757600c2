#include "segment.hpp"

#include "record_body.hpp"
#include "segment_damage.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;
namespace fs = std::filesystem;

namespace {

Result<std::string> read_whole(Env& env, const fs::path& path) {
  auto file = env.open_file(path, FileMode::kRead);
  if (!file) return std::move(file).error();
  auto size = (*file)->size();
  if (!size) return std::move(size).error();
  std::string out(*size, '\0');
  auto got = (*file)->read_at(0, out.data(), out.size());
  if (!got) return std::move(got).error();
  out.resize(*got);
  return out;
}

}  // namespace

Segment::Segment(fs::path path, std::uint64_t base, SharedFile file)
    : path_(std::move(path)),
      base_offset_(base),
      file_(std::move(file)),
      index_(lf::kSegmentHeaderBytes) {}

Result<std::shared_ptr<Segment>> Segment::open(Env& env, const fs::path& path,
                                               std::uint64_t base_offset, FileMode mode) {
  auto file = env.open_file(path, mode);
  if (!file) return std::move(file).error();
  std::string header(lf::kSegmentHeaderBytes, '\0');
  auto got = (*file)->read_at(0, header.data(), header.size());
  if (!got) return std::move(got).error();
  header.resize(*got);
  auto base = decode_segment_header(header, path.string());
  if (!base) return std::move(base).error();
  if (*base != base_offset) {
    return Error::corruption(path.string() + ": header says base offset " + std::to_string(*base) +
                             " but the file name says " + std::to_string(base_offset) +
                             "; was the file renamed?");
  }
  return std::make_shared<Segment>(path, base_offset, SharedFile(std::move(file).value()));
}

std::shared_ptr<Segment> Segment::damaged(const fs::path& path, std::uint64_t base_offset,
                                          SharedFile file, CorruptRegion region) {
  auto seg = std::make_shared<Segment>(path, base_offset, std::move(file));
  seg->index_.cover(region.bytes);
  seg->header_damage_ = std::move(region);
  return seg;
}

Result<SegmentScan> Segment::scan() const {
  auto size = file_->size();
  if (!size) return std::move(size).error();
  SegmentScan out{SegmentIndex(lf::kSegmentHeaderBytes), 0, {}, {}};
  RegionReporter reporter(path_.string(), &out.corruption);
  RecordReader reader(*file_, lf::kSegmentHeaderBytes, *size, base_offset_ - 1, &reporter);
  RecordMeta meta;
  while (auto r = reader.next()) {
    meta.offset = r->offset;
    meta.wall_ms = r->wall_ms;
    meta.pos = r->pos;
    meta.size = r->size;
    peek_channel_seq(r->body, meta);
    out.index.add(meta);
  }
  if (!reader.status().ok()) return reader.status().error();
  out.tail_bytes = reader.tail_bytes();
  out.tail_reason = reader.tail_reason();
  return out;
}

Result<std::uint64_t> Segment::salvage(const RecordFn& visit) const {
  if (!file_) return base_offset_ - 1;
  auto size = file_->size();
  if (!size) return std::move(size).error();
  RecordReader reader(*file_, lf::kSegmentHeaderBytes, *size, base_offset_ - 1, nullptr);
  while (auto r = reader.next()) visit(*r);
  if (!reader.status().ok()) return reader.status().error();
  return reader.last_offset();
}

Result<Segment::IndexLoad> Segment::load_index(Env& env) {
  IndexLoad out;
  auto size = file_->size();
  if (!size) return std::move(size).error();
  if (auto bytes = read_whole(env, index_path())) {
    auto idx = SegmentIndex::parse(*bytes);
    if (idx && idx->stats().end_pos == *size) {
      set_index(std::move(idx).value());
      return out;
    }
  }
  auto s = scan();
  if (!s) return std::move(s).error();
  out.rebuilt = true;
  out.corruption = std::move(s->corruption);
  out.tail_reason = std::move(s->tail_reason);
  // Cover the whole file so the side file stays valid for this size on the next open;
  // data_end still marks the damaged end (if any).
  s->index.cover(*size);
  set_index(std::move(s->index));
  return out;
}

Status Segment::write_index_file(Env& env) const {
  const std::string bytes = [&] {
    std::lock_guard lock(mu_);
    return index_.serialize();
  }();
  const fs::path tmp = index_path().string() + ".tmp";
  (void)env.remove_file(tmp);  // a leftover of a crash or an earlier failure
  auto file = env.open_file(tmp, FileMode::kCreate);
  if (!file) return std::move(file).error();
  Status s = (*file)->append(bytes);
  file->reset();
  if (s) s = env.rename_file(tmp, index_path());
  if (!s) (void)env.remove_file(tmp);
  return s;
}

void Segment::set_index(SegmentIndex index) {
  std::lock_guard lock(mu_);
  index_ = std::move(index);
}

void Segment::add(std::span<const RecordMeta> records) {
  std::lock_guard lock(mu_);
  for (const RecordMeta& r : records) index_.add(r);
}

std::vector<PosRange> Segment::ranges(const LogQuery& q) const {
  if (damaged()) return {};
  std::lock_guard lock(mu_);
  return index_.ranges(q);
}

std::vector<std::pair<PosRange, ChannelSeqs>> Segment::blocks() const {
  std::vector<std::pair<PosRange, ChannelSeqs>> out;
  if (damaged()) return out;
  std::lock_guard lock(mu_);
  out.reserve(index_.entries().size());
  for (std::size_t i = 0; i < index_.entries().size(); ++i) {
    out.emplace_back(index_.block(i), index_.entries()[i].seqs);
  }
  return out;
}

SegmentStats Segment::stats() const {
  std::lock_guard lock(mu_);
  return index_.stats();
}

SegmentInfo Segment::info() const {
  const SegmentStats s = stats();
  return SegmentInfo{path_.string(), base_offset_,  s.end_pos,     s.records,     s.first_offset,
                     s.last_offset,  s.min_wall_ms, s.max_wall_ms, damaged()};
}

fs::path Segment::index_path() const {
  fs::path p = path_;
  p.replace_extension(lf::kIndexSuffix);
  return p;
}

}  // namespace vsm::persist::detail
