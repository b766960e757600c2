// The file layer under the log, injectable so tests can force I/O errors, flip bytes
// and truncate (leveldb's WritableFile/Env pattern). The POSIX implementation is
// returned by open_file(). Thread-safety: read_at() may run concurrently with append()
// on the POSIX file; other calls need external synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm::persist {

class File {
 public:
  virtual ~File() = default;
  // Reads up to n bytes at pos into dst; returns the count (short only at end of file).
  virtual Result<std::size_t> read_at(std::uint64_t pos, char* dst, std::size_t n) = 0;
  // Appends at the end of the file (one write(2) on POSIX, retried on short writes).
  virtual Status append(std::string_view data) = 0;
  // Makes appended data durable (fdatasync).
  virtual Status sync() = 0;
  virtual Status truncate(std::uint64_t size) = 0;
  virtual Result<std::uint64_t> size() = 0;
  // For error messages: the path or a test name.
  virtual const std::string& name() const = 0;
};

enum class FileMode {
  kRead,       // existing file, read-only
  kReadWrite,  // existing file, read + append + truncate
  kCreate,     // new file (fails if it exists), read + append
};

Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path, FileMode mode);

// fsync of a directory, so created/renamed/removed entries survive a crash.
Status sync_dir(const std::filesystem::path& dir);

}  // namespace vsm::persist
