// One open file under the log, injectable so tests can force I/O errors, short writes,
// flip bytes and truncate (leveldb's WritableFile pattern). Files come from an Env
// (env.hpp); open_file() opens one through the POSIX Env.
// Thread-safety: read_at() may run concurrently with write_some()/append() on the POSIX
// file; other calls need external synchronisation.
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
  // Appends up to data.size() bytes at the end of the file (one write(2) on POSIX) and
  // returns how many were written: fewer than asked is a short write, not an error.
  // Errors: kNoSpace (disk or quota full), kIo.
  virtual Result<std::size_t> write_some(std::string_view data) = 0;
  // Makes written data durable (fdatasync). Errors: kIo (then data written since the
  // last good sync may be lost even without a crash), kNoSpace.
  virtual Status sync() = 0;
  virtual Status truncate(std::uint64_t size) = 0;
  virtual Result<std::uint64_t> size() = 0;
  // For error messages: the path or a test name.
  virtual const std::string& name() const = 0;

  // Appends all of `data`, continuing after short writes. On an error a prefix of
  // `data` may be in the file: the caller truncates it away.
  Status append(std::string_view data);
};

enum class FileMode {
  kRead,       // existing file, read-only
  kReadWrite,  // existing file, read + append + truncate
  kCreate,     // new file (kAlreadyExists if it exists), read + append + truncate
};

// Opens a file through the POSIX Env (posix_env().open_file()).
Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path, FileMode mode);

// fsync of a directory through the POSIX Env, so created/removed entries survive a crash.
Status sync_dir(const std::filesystem::path& dir);

}  // namespace vsm::persist
