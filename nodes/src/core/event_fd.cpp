#include "core/event_fd.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

namespace vsm::detail {

EventFd::~EventFd() {
  if (fd_ >= 0) ::close(fd_);
}

EventFd::EventFd(EventFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

EventFd& EventFd::operator=(EventFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Status EventFd::open() {
  if (fd_ >= 0) return {};
  fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd_ < 0) {
    return Error::io(std::string("eventfd() failed: ") + std::strerror(errno) +
                     " (out of file descriptors? raise `ulimit -n`)");
  }
  return {};
}

void EventFd::signal() const noexcept {
  if (fd_ < 0) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

void EventFd::drain() const noexcept {
  if (fd_ < 0) return;
  std::uint64_t v;
  while (::read(fd_, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) {
  }
}

}  // namespace vsm::detail
