// Child processes for tests and benchmarks. `ChildProcess(argv)` pipes the child's stdin
// and stdout to this object and reads output lines with deadlines (never sleeps);
// `spawn()` leaves stdio to SpawnOptions. The destructor kills (SIGKILL) and reaps the
// child, so a failed assertion or an early return never leaves one running;
// PR_SET_PDEATHSIG covers this process being killed. Waiting uses a pidfd.
// Ownership: move-only. Thread-safety: none; spawn from a thread that outlives the child
// (the death signal follows the spawning thread), normally the main thread.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vsm::test {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0]: program (a path, or a name with search_path)
  bool search_path = false;
  std::vector<int> inherit_fds;  // stay open in the child (close-on-exec cleared)
  int stdin_fd = -1;             // dup2'd onto 0 / 1 / 2 when >= 0
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Where ChildProcess(argv) sends the child's stderr: this process's stderr, or into the
// stdout pipe (one line stream for read_line; lines of up to PIPE_BUF bytes do not mix).
enum class StderrMode { kInherit, kToStdout };

class ChildProcess {
 public:
  // Starts argv[0] (a path) with stdin and stdout piped to this object.
  // Throws std::runtime_error when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        StderrMode stderr_mode = StderrMode::kInherit) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (::pipe2(out, O_CLOEXEC) != 0) {
      close_fd(in[0]);
      close_fd(in[1]);
      throw std::runtime_error("pipe2 failed");
    }
    SpawnOptions opt;
    opt.argv = argv;
    opt.stdin_fd = in[0];
    opt.stdout_fd = out[1];
    if (stderr_mode == StderrMode::kToStdout) opt.stderr_fd = out[1];
    std::string error;
    pid_ = fork_exec(opt, &error);
    close_fd(in[0]);
    close_fd(out[1]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
    if (pid_ < 0) {
      close_fds();
      throw std::runtime_error(error);
    }
    pidfd_ = open_pidfd(pid_);
  }
  // Starts a program as `opt` says; empty and `*error` set when fork or exec failed.
  static std::optional<ChildProcess> spawn(const SpawnOptions& opt, std::string* error) {
    const pid_t pid = fork_exec(opt, error);
    if (pid < 0) return std::nullopt;
    return ChildProcess(pid);
  }

  ChildProcess(ChildProcess&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)),
        pidfd_(std::exchange(o.pidfd_, -1)),
        stdin_fd_(std::exchange(o.stdin_fd_, -1)),
        stdout_fd_(std::exchange(o.stdout_fd_, -1)),
        buf_(std::move(o.buf_)),
        eof_(o.eof_),
        exited_(o.exited_),
        status_(o.status_) {}
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    kill(SIGKILL);
    wait_exit(std::chrono::seconds(10));
    close_fds();
  }

  pid_t pid() const { return pid_; }
  bool reaped() const { return exited_; }
  // True when no process with this pid exists (meaningful after reaping).
  bool gone() const { return pid_ > 0 && ::kill(pid_, 0) != 0 && errno == ESRCH; }

  // Next stdout line (without '\n'), or empty on deadline / EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      const int left = ms_until(deadline);
      if (left <= 0 || eof_ || stdout_fd_ < 0) return std::nullopt;
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, left) > 0) fill_buffer();
    }
  }

  // Reads lines until one starts with `prefix`; returns the rest of that line.
  std::optional<std::string> expect_prefix(const std::string& prefix,
                                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = read_line(std::chrono::milliseconds(ms_until(deadline)));
      if (!line) return std::nullopt;
      if (line->rfind(prefix, 0) == 0) return line->substr(prefix.size());
    }
    return std::nullopt;
  }

  void write(const std::string& s) {
    if (stdin_fd_ < 0) return;
    [[maybe_unused]] const ssize_t n = ::write(stdin_fd_, s.data(), s.size());
  }
  void close_stdin() { close_fd(stdin_fd_); }
  void kill(int sig) {
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
  }
  // Exit status (or 128+signal), empty if still running at the deadline. Reaps the child.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (exited_) return status_;
    if (pid_ <= 0) return std::nullopt;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        exited_ = true;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return status_;
      }
      const int left = ms_until(deadline);
      if (left <= 0) return std::nullopt;
      await_exit_or_output(left);
    }
  }
  // SIGTERM, up to `grace` for a clean exit, then SIGKILL; always reaps. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(3)) {
    kill(SIGTERM);
    if (wait_exit(grace)) return;
    kill(SIGKILL);
    wait_exit(std::chrono::seconds(60));
  }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid), pidfd_(open_pidfd(pid)) {}

  static int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  void close_fds() {
    close_fd(stdin_fd_);
    close_fd(stdout_fd_);
    close_fd(pidfd_);
  }
  static int ms_until(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 1'000'000));
  }

  // Appends available stdout to the line buffer; EOF or an error latches eof_.
  void fill_buffer() {
    char chunk[4096];
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      buf_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      eof_ = true;
    }
  }
  // Blocks until the child exits, it writes output (kept for read_line, so a child blocked
  // on a full pipe can finish) or `max_ms` pass. Without a pidfd (Linux < 5.3) it returns
  // every 5 ms so that the caller's waitpid notices the exit.
  void await_exit_or_output(int max_ms) {
    const bool read_out = stdout_fd_ >= 0 && !eof_;
    pollfd p[2] = {{pidfd_, POLLIN, 0}, {read_out ? stdout_fd_ : -1, POLLIN, 0}};
    const int timeout = pidfd_ >= 0 ? max_ms : std::min(max_ms, 5);
    if (::poll(p, 2, timeout) > 0 && p[1].revents != 0) fill_buffer();
  }

  // Forks and execs; returns the pid, or -1 with `*error` set (the failed child is reaped).
  static pid_t fork_exec(const SpawnOptions& opt, std::string* error) {
    std::vector<char*> argv;  // built before fork: only async-signal-safe calls after it
    for (const auto& a : opt.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int err[2];  // carries errno if exec fails; EOF means it succeeded
    if (opt.argv.empty() || ::pipe2(err, O_CLOEXEC) != 0) {
      if (error) *error = "spawn: no program or no pipe";
      return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(opt, argv.data(), err[1], parent);
    const int fork_errno = errno;
    close_fd(err[1]);
    int child_errno = 0;
    ssize_t n = 0;
    if (pid > 0) {
      do {
        n = ::read(err[0], &child_errno, sizeof child_errno);
      } while (n < 0 && errno == EINTR);
    }
    close_fd(err[0]);
    if (pid < 0) {
      if (error) *error = std::string("fork: ") + std::strerror(fork_errno);
      return -1;
    }
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
      ::waitpid(pid, nullptr, 0);  // it calls _exit right after reporting
      if (error) *error = "exec " + opt.argv[0] + ": " + std::strerror(child_errno);
      return -1;
    }
    return pid;
  }

  [[noreturn]] static void exec_child(const SpawnOptions& opt, char* const* argv, int err_fd,
                                      pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (opt.stdin_fd >= 0) ::dup2(opt.stdin_fd, 0);
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

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buf_;
  bool eof_ = false;
  bool exited_ = false;
  int status_ = 0;
};

// Path of the running executable, to re-exec ourselves in a role.
inline std::string self_exe_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

#ifdef VSM_TEST_BIN_DIR
// A program built in this build tree, e.g. bin_path("cli/vsmcat").
inline std::string bin_path(const std::string& relative) {
  return std::string(VSM_TEST_BIN_DIR) + "/" + relative;
}
#endif

}  // namespace vsm::test
