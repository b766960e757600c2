// RAII Linux eventfd used to wake a thread sleeping in zmq_poll (the reactor, the
// sender, the algedonic lane). Non-blocking; signal() from any thread, drain() from the
// sleeper. Move-only; the descriptor is closed by the destructor.
#pragma once

#include "vsm/result.hpp"

namespace vsm::detail {

class EventFd {
 public:
  EventFd() = default;
  ~EventFd();
  EventFd(EventFd&& other) noexcept;
  EventFd& operator=(EventFd&& other) noexcept;
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;

  // Creates the descriptor (kIo with errno text when the kernel refuses). Idempotent.
  Status open();
  bool is_open() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  // Makes the descriptor readable; no-op before open(). Never blocks.
  void signal() const noexcept;
  // Resets it to unreadable.
  void drain() const noexcept;

 private:
  int fd_ = -1;
};

}  // namespace vsm::detail
