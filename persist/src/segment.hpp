// One segment file and its in-memory sparse index. Shared (shared_ptr) between the
// writer and concurrent scans; retention unlinks the file while scans holding the
// Segment keep reading through its open descriptor. Index access is locked; reads go
// through pread and are safe concurrently with the writer's appends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "segment_index.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/persist/log_report.hpp"
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
  // Opens `path` read-only and validates its header against `base_offset` (the name).
  static Result<std::shared_ptr<Segment>> open(const std::filesystem::path& path,
                                               std::uint64_t base_offset);

  // Reads every record (checksums verified) to build the index; used for the last
  // segment at open and when the .idx side file is missing or bad.
  Result<SegmentScan> scan() const;
  // Loads the .idx side file if it is valid for the current file size, else rebuilds
  // by scan(), writing the side file back when `write_back`. Sets *rebuilt.
  Status load_index(bool write_back, bool* rebuilt, std::vector<CorruptRegion>* corruption);
  Status write_index_file() const;

  void set_index(SegmentIndex index);
  // Indexes records just written, in file order (one lock for the batch).
  void add(std::span<const RecordMeta> records);
  std::vector<PosRange> ranges(const LogQuery& q) const;
  SegmentStats stats() const;
  SegmentInfo info() const;

  File& file() const noexcept { return *file_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path index_path() const;
  std::uint64_t base_offset() const noexcept { return base_offset_; }

  Segment(std::filesystem::path path, std::uint64_t base, std::unique_ptr<File> file)
      : path_(std::move(path)), base_offset_(base), file_(std::move(file)) {}

 private:
  std::filesystem::path path_;
  std::uint64_t base_offset_;
  std::unique_ptr<File> file_;
  mutable std::mutex mu_;
  SegmentIndex index_;
};

// "00000000000000000042.log" for 42.
std::string segment_file_name(std::uint64_t base_offset);

}  // namespace vsm::persist::detail
