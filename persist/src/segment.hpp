// One segment file and its in-memory sparse index. Shared (shared_ptr) between the
// writer and concurrent scans; retention unlinks the file while scans holding the
// Segment keep reading through its open descriptor. Index access is locked; reads go
// through pread and are safe concurrently with the writer's appends.
// A segment whose header is damaged is kept (damaged() is true) so that its loss is
// reported and its records can still be salvaged for sequence continuation, but it
// has no index and scans skip it. The damage fields are set while the log is being
// opened, before the segment is shared, and never change afterwards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "segment_index.hpp"
#include "vsm/persist/env.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/persist/record_reader.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

// Result of scanning a whole segment.
struct SegmentScan {
  SegmentIndex index;
  std::uint64_t tail_bytes = 0;  // bytes after the last valid record
  std::string tail_reason;
  std::vector<CorruptRegion> corruption;
};

class Segment {
 public:
  using SharedFile = std::shared_ptr<File>;

  // Opens `path` (kRead, or kReadWrite for the writer's active segment) and validates
  // its header against `base_offset` (the name). Errors: decode_segment_header()'s,
  // kCorruption when the header names another base offset, the Env's.
  static Result<std::shared_ptr<Segment>> open(Env& env, const std::filesystem::path& path,
                                               std::uint64_t base_offset, FileMode mode);
  // A segment whose header failed its checks; `file` (may be null) is kept for salvage.
  static std::shared_ptr<Segment> damaged(const std::filesystem::path& path,
                                          std::uint64_t base_offset, SharedFile file,
                                          CorruptRegion region);

  Segment(std::filesystem::path path, std::uint64_t base, SharedFile file);

  // Reads every record (checksums verified) to build the index; used for the last
  // segment at open and when the .idx side file is missing or bad.
  Result<SegmentScan> scan() const;
  // What load_index() did.
  struct IndexLoad {
    bool rebuilt = false;                   // the side file was missing or invalid
    std::vector<CorruptRegion> corruption;  // damage found while rebuilding (not the end)
    std::string tail_reason;                // why the bytes after the last record failed
  };
  // Loads the .idx side file if it is valid for the current file size, else rebuilds
  // by scan() (in memory: write_index_file() saves it). Damage at the end is left to
  // the caller (set_end_damage()).
  Result<IndexLoad> load_index(Env& env);
  // Writes the .idx side file (via a .tmp file and a rename).
  Status write_index_file(Env& env) const;
  // Visits every record that passes its checks, ignoring the header and the index
  // (for damaged segments too). Returns the last valid offset (base - 1 if none).
  using RecordFn = std::function<void(const Record&)>;
  Result<std::uint64_t> salvage(const RecordFn& visit) const;

  void set_index(SegmentIndex index);
  // Indexes records just written, in file order (one lock for the batch).
  void add(std::span<const RecordMeta> records);
  std::vector<PosRange> ranges(const LogQuery& q) const;
  // Every index block with its per-channel seq ranges, in file order.
  std::vector<std::pair<PosRange, ChannelSeqs>> blocks() const;
  SegmentStats stats() const;
  SegmentInfo info() const;

  // The header is damaged: no index, scans report header_damage() and skip it.
  bool damaged() const noexcept { return header_damage_.has_value(); }
  const std::optional<CorruptRegion>& header_damage() const noexcept { return header_damage_; }
  // Damage at the end of a sealed segment: bytes after its last valid record, and/or
  // offsets between its last record and the next segment that no segment holds.
  const std::optional<CorruptRegion>& end_damage() const noexcept { return end_damage_; }
  void set_end_damage(CorruptRegion region) { end_damage_ = std::move(region); }

  File& file() const noexcept { return *file_; }
  const SharedFile& shared_file() const noexcept { return file_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path index_path() const;
  std::uint64_t base_offset() const noexcept { return base_offset_; }

 private:
  std::filesystem::path path_;
  std::uint64_t base_offset_;
  SharedFile file_;
  std::optional<CorruptRegion> header_damage_;
  std::optional<CorruptRegion> end_damage_;
  mutable std::mutex mu_;
  SegmentIndex index_;
};

}  // namespace vsm::persist::detail
