// Reads lines from a file descriptor (stdin for `vsmcat pub`) without blocking
// indefinitely: it polls in short slices so a SIGINT/SIGTERM can end the read, and
// returns the last line even without a trailing newline. Not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace vsmcat {

class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line without its '\n' (and a trailing '\r' removed); empty optional at
  // end of input, on a read error (see error()), or once `stop()` returns true.
  std::optional<std::string> next(const std::function<bool()>& stop);
  // errno of a failed read, 0 if none.
  int error() const noexcept { return error_; }

 private:
  int fd_;
  std::string buffer_;
  std::size_t start_ = 0;  // first unread byte in buffer_
  bool eof_ = false;
  int error_ = 0;
};

}  // namespace vsmcat
