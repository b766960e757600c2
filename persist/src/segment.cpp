#include "segment.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_reader.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;
namespace fs = std::filesystem;

namespace {

class CollectingReporter final : public RecordReader::Reporter {
 public:
  CollectingReporter(std::string segment, std::vector<CorruptRegion>& out)
      : segment_(std::move(segment)), out_(out) {}
  void corruption(std::uint64_t pos, std::uint64_t bytes, std::string_view reason) override {
    out_.push_back(CorruptRegion{segment_, pos, bytes, std::string(reason)});
  }

 private:
  std::string segment_;
  std::vector<CorruptRegion>& out_;
};

Result<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("no index file " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string segment_file_name(std::uint64_t base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(base_offset));
  return std::string(buf) + std::string(lf::kSegmentSuffix);
}

Result<std::shared_ptr<Segment>> Segment::open(const fs::path& path, std::uint64_t base_offset) {
  auto file = open_file(path, FileMode::kRead);
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
  auto seg = std::make_shared<Segment>(path, base_offset, std::move(file).value());
  seg->index_ = SegmentIndex(lf::kSegmentHeaderBytes);
  return seg;
}

Result<SegmentScan> Segment::scan() const {
  auto size = file_->size();
  if (!size) return std::move(size).error();
  SegmentScan out{SegmentIndex(lf::kSegmentHeaderBytes), 0, {}, {}};
  CollectingReporter reporter(path_.string(), out.corruption);
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

Status Segment::load_index(bool write_back, bool* rebuilt, std::vector<CorruptRegion>* corruption) {
  *rebuilt = false;
  auto size = file_->size();
  if (!size) return std::move(size).error();
  if (auto bytes = read_whole(index_path())) {
    auto idx = SegmentIndex::parse(*bytes);
    if (idx && idx->stats().end_pos == *size) {
      set_index(std::move(idx).value());
      return {};
    }
  }
  auto s = scan();
  if (!s) return std::move(s).error();
  *rebuilt = true;
  if (s->tail_bytes > 0) {  // a sealed segment has no torn tail: this is damage
    s->corruption.push_back(
        CorruptRegion{path_.string(), *size - s->tail_bytes, s->tail_bytes, s->tail_reason});
  }
  corruption->insert(corruption->end(), s->corruption.begin(), s->corruption.end());
  // Cover the whole file so the side file stays valid for this size on the next open.
  s->index.cover(*size);
  set_index(std::move(s->index));
  if (write_back) return write_index_file();
  return {};
}

Status Segment::write_index_file() const {
  const std::string bytes = [&] {
    std::lock_guard lock(mu_);
    return index_.serialize();
  }();
  const fs::path tmp = index_path().string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Error::io("cannot write index file " + tmp.string() + "; check disk space");
  }
  std::error_code ec;
  fs::rename(tmp, index_path(), ec);
  if (ec) return Error::io("cannot rename " + tmp.string() + ": " + ec.message());
  return {};
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
  std::lock_guard lock(mu_);
  return index_.ranges(q);
}

SegmentStats Segment::stats() const {
  std::lock_guard lock(mu_);
  return index_.stats();
}

SegmentInfo Segment::info() const {
  const SegmentStats s = stats();
  return SegmentInfo{path_.string(), base_offset_,  s.end_pos,     s.records,
                     s.first_offset, s.last_offset, s.min_wall_ms, s.max_wall_ms};
}

fs::path Segment::index_path() const {
  fs::path p = path_;
  p.replace_extension(lf::kIndexSuffix);
  return p;
}

}  // namespace vsm::persist::detail
