// A child process started with fork/exec. The destructor stops it (SIGTERM, then
// SIGKILL after a grace period) and reaps it, so an early return or an exception in the
// driver never leaves a server or a benchmark role running; PR_SET_PDEATHSIG covers
// the driver itself being killed. Waiting uses a pidfd, not sleeps.
// Ownership: move-only. Thread-safety: none; spawn from the main thread (the death
// signal follows the spawning thread).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "line_pipe.hpp"

namespace vsm::bench {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0]: program (a path, or a name with search_path)
  bool search_path = false;
  std::vector<int> inherit_fds;  // stay open in the child (close-on-exec cleared)
  int stdout_fd = -1;            // dup2'd onto 1 / 2 when >= 0
  int stderr_fd = -1;
};

class ChildProcess {
 public:
  ChildProcess(ChildProcess&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), pidfd_(std::move(o.pidfd_)),
        status_(o.status_), usage_(o.usage_), reaped_(o.reaped_) {}
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { stop(); }

  // Starts the program; empty optional and `*error` set when fork or exec failed.
  static std::optional<ChildProcess> spawn(const SpawnOptions& opt, std::string* error);

  pid_t pid() const noexcept { return pid_; }
  bool reaped() const noexcept { return reaped_; }
  // Waits up to timeout_ms for the child to exit and reaps it. True once reaped.
  bool wait_exit(std::int64_t timeout_ms);
  // SIGTERM, up to grace_ms for a clean exit, then SIGKILL; always reaps. Idempotent.
  void stop(std::int64_t grace_ms = 3'000);
  // Exit code (0..255), or 128 + signal number when killed by a signal.
  int exit_code() const noexcept {
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  // Resource usage of the reaped child (wait4), e.g. its total CPU time.
  const rusage& usage() const noexcept { return usage_; }
  // True when no process with this pid exists (checked after reaping).
  bool gone() const noexcept { return pid_ > 0 && ::kill(pid_, 0) != 0 && errno == ESRCH; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {
    pidfd_ = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  }
  [[noreturn]] static void exec_child(const SpawnOptions& opt, char* const* argv, int err_fd,
                                      pid_t parent);

  pid_t pid_ = -1;
  Fd pidfd_;
  int status_ = 0;
  rusage usage_{};
  bool reaped_ = false;
};

inline std::optional<ChildProcess> ChildProcess::spawn(const SpawnOptions& opt,
                                                       std::string* error) {
  std::vector<char*> argv;  // built before fork: only async-signal-safe calls after it
  for (const auto& a : opt.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto err_pipe = Pipe::make();  // carries errno if exec fails; EOF means it succeeded
  if (opt.argv.empty() || !err_pipe) {
    if (error) *error = "spawn: no program or no pipe";
    return std::nullopt;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    if (error) *error = std::string("fork: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) exec_child(opt, argv.data(), err_pipe->write.get(), parent);
  err_pipe->write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe->read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ChildProcess child(pid);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    child.wait_exit(5'000);
    if (error) *error = "exec " + opt.argv[0] + ": " + std::strerror(child_errno);
    return std::nullopt;
  }
  return child;
}

inline void ChildProcess::exec_child(const SpawnOptions& opt, char* const* argv, int err_fd,
                                     pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the driver died before prctl
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (opt.stdout_fd >= 0) ::dup2(opt.stdout_fd, 1);
  if (opt.stderr_fd >= 0) ::dup2(opt.stderr_fd, 2);
  for (int fd : opt.inherit_fds) ::fcntl(fd, F_SETFD, 0);
  if (opt.search_path) {
    ::execvp(argv[0], argv);
  } else {
    ::execv(argv[0], argv);
  }
  const int e = errno;
  [[maybe_unused]] ssize_t w = ::write(err_fd, &e, sizeof e);
  ::_exit(127);
}

inline bool ChildProcess::wait_exit(std::int64_t timeout_ms) {
  if (reaped_ || pid_ <= 0) return true;
  const std::int64_t deadline = now_ns() + timeout_ms * 1'000'000;
  for (;;) {
    if (::wait4(pid_, &status_, WNOHANG, &usage_) == pid_) {
      reaped_ = true;
      return true;
    }
    const std::int64_t left_ms = (deadline - now_ns()) / 1'000'000;
    if (left_ms <= 0) return false;
    if (pidfd_.valid()) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left_ms > 1'000 ? 1'000 : left_ms));
    } else {  // pidfd_open unsupported (kernel < 5.3): coarse polling
      ::usleep(1'000);
    }
  }
}

inline void ChildProcess::stop(std::int64_t grace_ms) {
  if (reaped_ || pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (wait_exit(grace_ms)) return;
  ::kill(pid_, SIGKILL);
  wait_exit(60'000);
}

// Path of the running executable, to re-exec ourselves in a role.
inline std::string self_exe_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace vsm::bench
