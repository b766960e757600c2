#include "log_directory.hpp"

#include <algorithm>
#include <cstdio>

#include "vsm/persist/log_format.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;
namespace fs = std::filesystem;

std::optional<std::uint64_t> parse_segment_name(std::string_view name) {
  if (name.size() != lf::kSegmentNameDigits + lf::kSegmentSuffix.size() ||
      name.substr(lf::kSegmentNameDigits) != lf::kSegmentSuffix) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < lf::kSegmentNameDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::string segment_file_name(std::uint64_t base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(base_offset));
  return std::string(buf) + std::string(lf::kSegmentSuffix);
}

Result<std::vector<SegmentName>> list_segments(Env& env, const fs::path& dir) {
  auto names = env.list_dir(dir);
  if (!names) return std::move(names).error();
  std::vector<SegmentName> out;
  bool foreign = false;
  for (const std::string& name : *names) {
    const fs::path ext = fs::path(name).extension();
    if (auto base = parse_segment_name(name)) {
      out.push_back(SegmentName{dir / name, *base});
    } else if (name != lf::kLockFileName && ext != lf::kIndexSuffix && ext != ".tmp") {
      foreign = true;
    }
  }
  if (out.empty() && foreign) {
    return Error::invalid(dir.string() +
                          " is not an event log (it holds other files and no "
                          "*.log segments); pass an empty or new directory");
  }
  std::sort(out.begin(), out.end(), [](const SegmentName& a, const SegmentName& b) {
    return a.base_offset < b.base_offset;
  });
  return out;
}

Result<std::unique_ptr<FileLock>> lock_log_dir(Env& env, const fs::path& dir) {
  auto lock = env.lock_file(dir / lf::kLockFileName);
  if (!lock && lock.error().code() == ErrorCode::kAlreadyExists) {
    return Error::already_exists("log directory " + dir.string() +
                                 " is already open for writing by another process or "
                                 "EventLog; open it read-only (LogReader) or stop the writer");
  }
  return lock;
}

}  // namespace vsm::persist::detail
