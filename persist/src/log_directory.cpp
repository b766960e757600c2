#include "log_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

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

Result<std::vector<SegmentName>> list_segments(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return Error::not_found("log directory " + dir.string() + " does not exist");
  }
  if (!fs::is_directory(dir, ec)) {
    return Error::invalid(dir.string() + " is not a directory; pass an event log directory");
  }
  std::vector<SegmentName> out;
  bool foreign = false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (auto base = parse_segment_name(name)) {
      out.push_back(SegmentName{entry.path(), *base});
    } else if (name != lf::kLockFileName && entry.path().extension() != lf::kIndexSuffix &&
               entry.path().extension() != ".tmp") {
      foreign = true;
    }
  }
  if (ec) return Error::io("cannot list " + dir.string() + ": " + ec.message());
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

Result<DirLock> DirLock::acquire(const fs::path& dir) {
  const fs::path path = dir / lf::kLockFileName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error::io("cannot open lock file " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error::already_exists("log directory " + dir.string() +
                                   " is already open for writing by another process or "
                                   "EventLog; open it read-only (LogReader) or stop the writer");
    }
    return Error::io("cannot lock " + path.string() + ": " + std::strerror(err));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const auto n = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return DirLock(fd);
}

DirLock& DirLock::operator=(DirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace vsm::persist::detail
