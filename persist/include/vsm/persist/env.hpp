// Everything the log does to the filesystem, behind one interface (leveldb's Env), so
// tests can inject ENOSPC, EIO, short writes and failed syncs (tests/persist/fault_env.hpp).
// Set through LogOptions::env / ReaderOptions::env; null means posix_env().
// Thread-safety: posix_env() is safe from any thread; an Env must outlive every log and
// reader that uses it.
//
//   LogOptions o;
//   o.env = &my_fault_env;  // default: the POSIX filesystem
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vsm/persist/file.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

// An exclusive lock held for the object's lifetime (released by the destructor).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;
  // Errors: kNotFound (kRead/kReadWrite of a missing file), kAlreadyExists (kCreate of
  // an existing file), kNoSpace, kIo.
  virtual Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path,
                                                  FileMode mode) = 0;
  // Names of the entries of `dir`. Errors: kNotFound (no such directory), kInvalid (not
  // a directory), kIo.
  virtual Result<std::vector<std::string>> list_dir(const std::filesystem::path& dir) = 0;
  // Creates `dir` and its parents; OK when it exists.
  virtual Status create_dir(const std::filesystem::path& dir) = 0;
  // Errors: kNotFound (no such file), kIo.
  virtual Status remove_file(const std::filesystem::path& path) = 0;
  // Atomically replaces `to` by `from`.
  virtual Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // fsync of a directory, so created, renamed and removed entries survive an OS crash.
  virtual Status sync_dir(const std::filesystem::path& dir) = 0;
  // Exclusive, non-blocking lock on `path` (created if needed; flock on POSIX, which
  // also writes the pid into it). Errors: kAlreadyExists (held by another process or
  // object), kIo.
  virtual Result<std::unique_ptr<FileLock>> lock_file(const std::filesystem::path& path) = 0;
};

// The real filesystem (POSIX calls). Never destroyed.
Env& posix_env();

// `env` when set, else posix_env().
inline Env& env_or_posix(Env* env) { return env != nullptr ? *env : posix_env(); }

}  // namespace vsm::persist
