#include "segment_loader.hpp"

#include <spdlog/spdlog.h>

#include "segment_damage.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;

namespace {

// The outcome of checking one segment's header.
struct Header {
  SegmentName name;
  std::shared_ptr<Segment> seg;  // healthy
  std::optional<Error> error;    // the header failed its checks (damaged, or newer)
  Segment::SharedFile file;      // kept open for a damaged segment (salvage)
  std::uint64_t size = 0;
  bool newer = false;  // kUnsupported with a valid crc: a genuinely newer format
};

enum class Verdict { kOk, kVanished, kTorn, kFatal };

Verdict check_header(Env& env, const SegmentName& n, bool last, bool writer, Header& h,
                     std::optional<Error>& fatal) {
  h.name = n;
  const FileMode mode = last && writer ? FileMode::kReadWrite : FileMode::kRead;
  auto seg = Segment::open(env, n.path, n.base_offset, mode);
  if (seg) {
    h.seg = std::move(seg).value();
    return Verdict::kOk;
  }
  const ErrorCode code = seg.error().code();
  if (code == ErrorCode::kNotFound) return Verdict::kVanished;
  if (code != ErrorCode::kInvalid && code != ErrorCode::kCorruption &&
      code != ErrorCode::kUnsupported) {
    fatal = std::move(seg).error();  // an I/O error is not damage
    return Verdict::kFatal;
  }
  auto file = env.open_file(n.path, FileMode::kRead);
  if (!file) {
    if (file.error().code() == ErrorCode::kNotFound) return Verdict::kVanished;
    fatal = std::move(file).error();
    return Verdict::kFatal;
  }
  auto size = (*file)->size();
  std::string bytes(lf::kSegmentHeaderBytes, '\0');
  auto got = (*file)->read_at(0, bytes.data(), bytes.size());
  if (!size || !got) {
    fatal = !size ? std::move(size).error() : std::move(got).error();
    return Verdict::kFatal;
  }
  bytes.resize(*got);
  h.size = *size;
  if (last && h.size < lf::kSegmentHeaderBytes) return Verdict::kTorn;
  h.newer = code == ErrorCode::kUnsupported && segment_header_checksum_ok(bytes);
  h.error = std::move(seg).error();
  h.file = Segment::SharedFile(std::move(file).value());
  return Verdict::kOk;
}

// A damaged version field can look like a newer format: it is damage only when its crc
// fails and another segment of the log has a healthy header.
std::optional<Error> unsupported(const std::vector<Header>& heads) {
  bool any_healthy = false;
  for (const Header& h : heads) any_healthy = any_healthy || h.seg != nullptr;
  for (const Header& h : heads) {
    if (h.error && h.error->code() == ErrorCode::kUnsupported && (h.newer || !any_healthy)) {
      return h.error;
    }
  }
  return std::nullopt;
}

// Loads or rebuilds the index of every healthy sealed segment; `found[i]` gets the
// damage found in segment i while rebuilding.
Status load_indexes(Env& env, bool writer, std::vector<Header>& heads, LoadedSegments& out,
                    std::vector<Segment::IndexLoad>& found) {
  found.resize(heads.size());
  // Every segment but the live last one (none is live when the last one was torn).
  const std::size_t sealed = out.torn_last || heads.empty() ? heads.size() : heads.size() - 1;
  for (std::size_t i = 0; i < sealed; ++i) {
    if (!heads[i].seg) continue;
    auto load = heads[i].seg->load_index(env);
    if (!load) return std::move(load).error();
    found[i] = std::move(load).value();
    if (!found[i].rebuilt) continue;
    ++out.indexes_rebuilt;
    if (!writer) continue;
    if (Status w = heads[i].seg->write_index_file(env); !w) {
      spdlog::warn("event log: cannot rewrite index {} (rebuilt again on the next open): {}",
                   heads[i].seg->index_path().string(), w.error().to_string());
    }
  }
  return {};
}

}  // namespace

std::uint64_t average_record_bytes(const std::vector<std::shared_ptr<Segment>>& segments) {
  constexpr std::uint64_t kTypicalRecordBytes = 160;
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  for (const auto& seg : segments) {
    if (seg->damaged()) continue;
    const auto s = seg->stats();
    bytes += s.data_end - lf::kSegmentHeaderBytes;
    records += s.records;
  }
  return records == 0 ? kTypicalRecordBytes : std::max<std::uint64_t>(1, bytes / records);
}

namespace {

// Checks the header of every segment; `out.torn_last` is set for a torn last one.
Result<std::vector<Header>> check_headers(Env& env, const std::vector<SegmentName>& names,
                                          bool writer, LoadedSegments& out) {
  std::vector<Header> heads;
  for (std::size_t i = 0; i < names.size(); ++i) {
    Header h;
    std::optional<Error> fatal;
    const bool last = i + 1 == names.size();
    switch (check_header(env, names[i], last, writer, h, fatal)) {
      case Verdict::kOk:
        heads.push_back(std::move(h));
        break;
      case Verdict::kVanished:  // retention removes segments oldest first
        if (writer) return Error::io(names[i].path.string() + " vanished while opening the log");
        heads.clear();
        break;
      case Verdict::kTorn:
        out.torn_last = names[i];
        break;
      case Verdict::kFatal:
        return std::move(*fatal);
    }
  }
  if (auto e = unsupported(heads)) return std::move(*e);
  return heads;
}

}  // namespace

Result<LoadedSegments> load_segments(Env& env, const std::vector<SegmentName>& names,
                                     bool writer) {
  LoadedSegments out;
  auto checked = check_headers(env, names, writer, out);
  if (!checked) return std::move(checked).error();
  std::vector<Header>& heads = *checked;
  std::vector<Segment::IndexLoad> found;
  if (Status s = load_indexes(env, writer, heads, out, found); !s) return s.error();
  std::vector<std::shared_ptr<Segment>> healthy;
  for (const Header& h : heads) {
    if (h.seg) healthy.push_back(h.seg);
  }
  const std::uint64_t avg = average_record_bytes(healthy);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    Header& h = heads[i];
    const bool last = i + 1 == heads.size() && !out.torn_last;
    const std::uint64_t next_base =
        i + 1 < heads.size() ? heads[i + 1].name.base_offset
                             : (out.torn_last ? out.torn_last->base_offset : 0);
    if (!h.seg) {
      auto region = header_damage(h.name.path, h.name.base_offset, h.file, h.size, next_base,
                                  avg, h.error->message());
      if (!region) return std::move(region).error();
      out.damaged_segments.push_back(h.name.path.string());
      out.corruption.push_back(*region);
      out.segments.push_back(
          Segment::damaged(h.name.path, h.name.base_offset, h.file, std::move(region).value()));
      continue;
    }
    out.corruption.insert(out.corruption.end(), found[i].corruption.begin(),
                          found[i].corruption.end());
    const auto s = h.seg->stats();
    const std::uint64_t last_offset = s.records > 0 ? s.last_offset : h.name.base_offset - 1;
    if (auto end = last ? std::nullopt
                        : end_damage(h.name.path.string(), s.data_end, s.end_pos, last_offset,
                                     next_base, found[i].tail_reason)) {
      out.corruption.push_back(*end);
      h.seg->set_end_damage(std::move(*end));
    }
    out.segments.push_back(h.seg);
  }
  return out;
}

}  // namespace vsm::persist::detail
