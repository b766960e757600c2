#include "line_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace vsmcat {
namespace {

constexpr int kPollSliceMs = 100;  // how quickly a stop request is noticed
constexpr std::size_t kReadChunk = 64 * 1024;

}  // namespace

std::optional<std::string> LineReader::next(const std::function<bool()>& stop) {
  for (;;) {
    const auto nl = buffer_.find('\n', start_);
    if (nl != std::string::npos || (eof_ && start_ < buffer_.size())) {
      const std::size_t end = nl == std::string::npos ? buffer_.size() : nl;
      std::string line = buffer_.substr(start_, end - start_);
      start_ = nl == std::string::npos ? buffer_.size() : nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (eof_ || stop()) return std::nullopt;
    // Compact before reading more so the buffer holds at most one partial line.
    buffer_.erase(0, start_);
    start_ = 0;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, kPollSliceMs);
    if (r < 0 && errno != EINTR) {
      error_ = errno;
      return std::nullopt;
    }
    if (r <= 0) continue;
    char chunk[kReadChunk];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error_ = errno;
      return std::nullopt;
    }
    if (n == 0) eof_ = true;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace vsmcat
