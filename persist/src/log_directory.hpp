// Naming and locking of a log directory (layout in log_format.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "vsm/result.hpp"

namespace vsm::persist::detail {

struct SegmentName {
  std::filesystem::path path;
  std::uint64_t base_offset = 0;
};

// 42 for "00000000000000000042.log"; empty for anything else.
std::optional<std::uint64_t> parse_segment_name(std::string_view file_name);

// Segments of `dir` sorted by base offset. kNotFound when `dir` does not exist,
// kInvalid when it is not a directory or holds other files but no segments.
Result<std::vector<SegmentName>> list_segments(const std::filesystem::path& dir);

// Exclusive flock() on <dir>/LOCK, held for the object's lifetime. Move-only.
class DirLock {
 public:
  // kAlreadyExists when another process (or another EventLog) holds it.
  static Result<DirLock> acquire(const std::filesystem::path& dir);
  DirLock(DirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace vsm::persist::detail
