// POSIX implementations of vsm::persist::File and vsm::persist::Env.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "vsm/persist/env.hpp"

namespace vsm::persist {
namespace {

namespace fs = std::filesystem;

// ENOSPC/EDQUOT get their own code so callers can tell a full disk from a broken one.
Error io_error(std::string_view what, const std::string& name, int err) {
  std::string msg = std::string(what) + " " + name + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    return Error::no_space(msg + " (free disk space; the log retries by itself)");
  }
  if (err == ENOENT) return Error::not_found(msg);
  if (err == EEXIST) return Error::already_exists(msg);
  return Error::io(msg + " (check the path, permissions and the disk)");
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Result<std::size_t> read_at(std::uint64_t pos, char* dst, std::size_t n) override {
    std::size_t done = 0;
    while (done < n) {
      const ssize_t r = ::pread(fd_, dst + done, n - done, static_cast<off_t>(pos + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return io_error("cannot read", name_, errno);
      }
      if (r == 0) break;
      done += static_cast<std::size_t>(r);
    }
    return done;
  }

  Result<std::size_t> write_some(std::string_view data) override {
    for (;;) {
      const ssize_t r = ::write(fd_, data.data(), data.size());
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno != EINTR) return io_error("cannot write", name_, errno);
    }
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return io_error("cannot fdatasync", name_, errno);
    return {};
  }

  Status truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return io_error("cannot truncate", name_, errno);
    }
    return {};
  }

  Result<std::uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return io_error("cannot stat", name_, errno);
    return static_cast<std::uint64_t>(st.st_size);
  }

  const std::string& name() const override { return name_; }

 private:
  int fd_;
  std::string name_;
};

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) : fd_(fd) {}
  ~PosixLock() override { ::close(fd_); }  // closing releases the flock
  PosixLock(const PosixLock&) = delete;
  PosixLock& operator=(const PosixLock&) = delete;

 private:
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<File>> open_file(const fs::path& path, FileMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case FileMode::kRead:
        flags |= O_RDONLY;
        break;
      case FileMode::kReadWrite:
        flags |= O_RDWR | O_APPEND;
        break;
      case FileMode::kCreate:
        flags |= O_RDWR | O_APPEND | O_CREAT | O_EXCL;
        break;
    }
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return io_error("cannot open", path.string(), errno);
    return std::unique_ptr<File>(std::make_unique<PosixFile>(fd, path.string()));
  }

  Result<std::vector<std::string>> list_dir(const fs::path& dir) override {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      return Error::not_found("log directory " + dir.string() + " does not exist");
    }
    if (!fs::is_directory(dir, ec)) {
      return Error::invalid(dir.string() + " is not a directory; pass an event log directory");
    }
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      out.push_back(entry.path().filename().string());
    }
    if (ec) return Error::io("cannot list " + dir.string() + ": " + ec.message());
    return out;
  }

  Status create_dir(const fs::path& dir) override {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error::io("cannot create log directory " + dir.string() + ": " + ec.message());
    return {};
  }

  Status remove_file(const fs::path& path) override {
    if (::unlink(path.c_str()) != 0) return io_error("cannot remove", path.string(), errno);
    return {};
  }

  Status rename_file(const fs::path& from, const fs::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return io_error("cannot rename " + from.string() + " to", to.string(), errno);
    }
    return {};
  }

  Status sync_dir(const fs::path& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open directory", dir.string(), errno);
    const int r = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (r != 0) return io_error("cannot fsync directory", dir.string(), err);
    return {};
  }

  Result<std::unique_ptr<FileLock>> lock_file(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot open lock file", path.string(), errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return Error::already_exists(path.string() + " is locked");
      return io_error("cannot lock", path.string(), err);
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
      [[maybe_unused]] const auto n = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixLock>(fd));
  }
};

}  // namespace

Env& posix_env() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: usable during static teardown
  return *env;
}

}  // namespace vsm::persist
