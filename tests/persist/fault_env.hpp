// A fault-injecting Env over the real filesystem (issue #13 item 4): files opened
// through it write to real files, but a test can make writes fail with ENOSPC after a
// byte budget (the write that crosses it is short, as write(2) is on a full disk),
// make writes or syncs fail with EIO, make every write short, hold syncs at a gate,
// and stop failing when told. It counts every write and sync tried, so a test can
// check that a failing log makes no syscall. Thread-safe (the log's appenders, its
// sync thread and the test use it at once).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vsm/persist/env.hpp"

namespace vsm::persist::test {

class FaultEnv final : public Env {
 public:
  struct Counters {
    std::uint64_t writes = 0;  // write_some calls (failed ones included)
    std::uint64_t syncs = 0;  // failed ones included
    std::uint64_t truncates = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t blocked_syncs = 0;  // syncs waiting at the gate now
  };

  // Writes beyond `bytes` more fail with kNoSpace (the crossing write is short).
  void fail_writes_after(std::uint64_t bytes) {
    std::lock_guard lock(mu_);
    space_left_ = bytes;
  }
  void fail_writes_with_eio(bool on) {
    std::lock_guard lock(mu_);
    eio_writes_ = on;
  }
  void fail_syncs_with_eio(bool on) {
    std::lock_guard lock(mu_);
    eio_syncs_ = on;
  }
  // Creating a file fails with kNoSpace (as open(O_CREAT) on a full disk).
  void fail_creates(bool on) {
    std::lock_guard lock(mu_);
    fail_creates_ = on;
  }
  // Every write writes at most `bytes` (0 = no limit).
  void short_writes(std::size_t bytes) {
    std::lock_guard lock(mu_);
    max_write_ = bytes;
  }
  // Syncs wait until the gate opens again.
  void close_sync_gate() {
    std::lock_guard lock(mu_);
    gate_closed_ = true;
  }
  void open_sync_gate() {
    std::lock_guard lock(mu_);
    gate_closed_ = false;
    cv_.notify_all();
  }
  // Stops every failure (the gate stays as it is).
  void heal() {
    std::lock_guard lock(mu_);
    space_left_ = kUnlimited;
    eio_writes_ = eio_syncs_ = fail_creates_ = false;
    max_write_ = 0;
  }
  Counters counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

  Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path,
                                          FileMode mode) override;
  Result<std::vector<std::string>> list_dir(const std::filesystem::path& dir) override {
    return posix_env().list_dir(dir);
  }
  Status create_dir(const std::filesystem::path& dir) override {
    return posix_env().create_dir(dir);
  }
  Status remove_file(const std::filesystem::path& path) override {
    return posix_env().remove_file(path);
  }
  Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return posix_env().rename_file(from, to);
  }
  Status sync_dir(const std::filesystem::path& dir) override { return posix_env().sync_dir(dir); }
  Result<std::unique_ptr<FileLock>> lock_file(const std::filesystem::path& path) override {
    return posix_env().lock_file(path);
  }

 private:
  friend class FaultFile;
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

  // How many of `n` bytes a write may write now, or the error it fails with.
  Result<std::size_t> admit_write(std::size_t n);
  Status admit_sync();
  void count_truncate();
  void count_read(std::uint64_t n);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t space_left_ = kUnlimited;
  bool eio_writes_ = false;
  bool eio_syncs_ = false;
  bool fail_creates_ = false;
  std::size_t max_write_ = 0;
  bool gate_closed_ = false;
  Counters counters_;
};

}  // namespace vsm::persist::test
