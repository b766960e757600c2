// Test helper: spawns a child process with piped stdin/stdout, reads its output lines
// with deadlines (never sleeps), and kills it (SIGKILL) on destruction, so children
// are cleaned up even when an assertion fails.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vsm::test {

class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    kill(SIGKILL);
    wait_exit(std::chrono::seconds(10));
    close_stdin();
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }

  pid_t pid() const { return pid_; }

  // Next stdout line (without '\n'), or empty on deadline / EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || eof_) return std::nullopt;
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
      if (n <= 0) {
        eof_ = true;
      } else {
        buf_.append(chunk, static_cast<std::size_t>(n));
      }
    }
  }

  // Reads lines until one starts with `prefix`; returns the rest of that line.
  std::optional<std::string> expect_prefix(const std::string& prefix,
                                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto line = read_line(left);
      if (!line) return std::nullopt;
      if (line->rfind(prefix, 0) == 0) return line->substr(prefix.size());
    }
    return std::nullopt;
  }

  void write(const std::string& s) {
    if (stdin_fd_ >= 0) [[maybe_unused]] auto n = ::write(stdin_fd_, s.data(), s.size());
  }
  void close_stdin() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
  void kill(int sig) {
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
  }
  // Exit status (or 128+signal), empty if still running at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (exited_) return status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return status_;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      // Bounded wait for the child's exit: poll our stdout pipe as a timed wait.
      pollfd p{stdout_fd_, POLLIN, 0};
      ::poll(&p, 1, 5);
      if (p.revents & POLLIN) {
        char chunk[4096];
        ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
        if (n > 0) buf_.append(chunk, static_cast<std::size_t>(n));
      }
    }
  }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buf_;
  bool eof_ = false;
  bool exited_ = false;
  int status_ = 0;
};

inline std::string bin_path(const std::string& relative) {
  return std::string(VSM_TEST_BIN_DIR) + "/" + relative;
}

}  // namespace vsm::test
