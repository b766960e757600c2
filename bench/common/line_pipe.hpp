// Line-oriented pipes between a benchmark driver and its child processes: the ready
// handshake ("READY ...", "GO") and result reporting ("RESULT k=v ...") travel as text
// lines, so a process waits on a read with a deadline instead of sleeping.
// Ownership: Fd is move-only and closes on destruction. Thread-safety: none.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "bench_clock.hpp"

namespace vsm::bench {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Both ends close-on-exec; the spawner clears the flag on the end a child inherits.
struct Pipe {
  Fd read;
  Fd write;
  static std::optional<Pipe> make() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
    return Pipe{Fd(fds[0]), Fd(fds[1])};
  }
};

// Writes `line` plus '\n' completely. False when the reader is gone.
inline bool write_line(int fd, const std::string& line) {
  std::string buf = line + "\n";
  std::size_t off = 0;
  while (off < buf.size()) {
    const ssize_t n = ::write(fd, buf.data() + off, buf.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Buffered line reader on a file descriptor it does not own.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line (without '\n'), or empty on EOF, error or when `timeout_ms` passes.
  std::optional<std::string> read_line(std::int64_t timeout_ms) {
    const std::int64_t deadline = now_ns() + timeout_ms * 1'000'000;
    for (;;) {
      if (auto pos = buf_.find('\n'); pos != std::string::npos) {
        std::string line = buf_.substr(0, pos);
        buf_.erase(0, pos + 1);
        return line;
      }
      const std::int64_t left_ms = (deadline - now_ns()) / 1'000'000;
      if (left_ms <= 0 || eof_) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left_ms, 1'000'000)));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) continue;  // timeout re-checked at the top
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  bool eof() const noexcept { return eof_; }

 private:
  int fd_;
  std::string buf_;
  bool eof_ = false;
};

// "WORD k1=v1 k2=v2" -> {"": "WORD", "k1": "v1", ...}. Values contain no spaces.
inline std::map<std::string, std::string> parse_fields(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in(line);
  std::string tok;
  bool first = true;
  while (in >> tok) {
    const auto eq = tok.find('=');
    if (first && eq == std::string::npos) {
      out[""] = tok;
    } else if (eq != std::string::npos) {
      out[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
    first = false;
  }
  return out;
}

}  // namespace vsm::bench
