// Naming and locking of a log directory (layout in log_format.hpp), through an Env.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/persist/env.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

struct SegmentName {
  std::filesystem::path path;
  std::uint64_t base_offset = 0;
};

// 42 for "00000000000000000042.log"; empty for anything else.
std::optional<std::uint64_t> parse_segment_name(std::string_view file_name);

// "00000000000000000042.log" for 42.
std::string segment_file_name(std::uint64_t base_offset);

// Segments of `dir` sorted by base offset. kNotFound when `dir` does not exist,
// kInvalid when it is not a directory or holds other files but no segments.
Result<std::vector<SegmentName>> list_segments(Env& env, const std::filesystem::path& dir);

// Exclusive lock on <dir>/LOCK for the single writer. kAlreadyExists (with a message
// that says what to do) when another process or EventLog holds it.
Result<std::unique_ptr<FileLock>> lock_log_dir(Env& env, const std::filesystem::path& dir);

}  // namespace vsm::persist::detail
