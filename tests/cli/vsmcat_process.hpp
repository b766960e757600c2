// Helpers for the C++ end-to-end tests of the vsmcat binary (VSMCAT_PATH, set by
// tests/cli/CMakeLists.txt): a temporary directory (temp_dir.hpp), a free loopback UDP
// port, and vsmcat started with stdout and stderr as one line stream (status lines and
// data together).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace vsm::test {

// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
// For endpoints that cannot take port 0 themselves, such as an alert peer address.
inline int free_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free UDP port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// Starts `vsmcat args...`; read_line() sees its stdout and stderr lines.
inline ChildProcess start_vsmcat(std::vector<std::string> args) {
  args.insert(args.begin(), VSMCAT_PATH);
  return ChildProcess(args, StderrMode::kToStdout);
}

// Every remaining output line, until EOF or `timeout`.
inline std::vector<std::string> read_all_lines(ChildProcess& p, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> lines;
  while (auto line = p.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
             deadline - std::chrono::steady_clock::now()))) {
    lines.push_back(*line);
  }
  return lines;
}

}  // namespace vsm::test
