// POSIX implementation of vsm::persist::File.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vsm/persist/file.hpp"

namespace vsm::persist {
namespace {

Error io_error(std::string_view what, const std::string& name, int err) {
  return Error::io(std::string(what) + " " + name + ": " + std::strerror(err) +
                   " (check the path, permissions and free disk space)");
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

  Status append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t r = ::write(fd_, data.data(), data.size());
      if (r < 0) {
        if (errno == EINTR) continue;
        return io_error("cannot write", name_, errno);
      }
      data.remove_prefix(static_cast<std::size_t>(r));
    }
    return {};
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

}  // namespace

Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path, FileMode mode) {
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

Status sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", dir.string(), errno);
  const int r = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (r != 0) return io_error("cannot fsync directory", dir.string(), err);
  return {};
}

}  // namespace vsm::persist
