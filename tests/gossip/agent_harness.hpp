// Spawns gossip_agent processes (fork/exec, stdout on a pipe) and waits on their output
// lines with deadlines; no sleeps. Children are SIGKILLed and reaped on destruction.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vsm::gossip::test {

struct AgentProcess {
  pid_t pid = -1;
  int fd = -1;
  std::string partial;
  std::vector<std::string> lines;
};

class AgentSet {
 public:
  AgentSet() = default;
  AgentSet(const AgentSet&) = delete;
  AgentSet& operator=(const AgentSet&) = delete;
  ~AgentSet() {
    for (auto& [id, a] : agents_) kill_agent(id, SIGKILL);
  }

  // Starts `argv` (argv[0] is the program path) under id `id` (replacing a dead one).
  bool spawn(const std::string& id, const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      std::vector<char*> args;
      for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    auto& a = agents_[id];
    if (a.pid > 0) kill_agent(id, SIGKILL);
    a = AgentProcess{pid, fds[0], {}, {}};
    return true;
  }

  void kill_agent(const std::string& id, int sig) {
    auto& a = agents_.at(id);
    if (a.pid <= 0) return;
    ::kill(a.pid, sig);
    waitpid(a.pid, nullptr, 0);
    if (a.fd >= 0) close(a.fd);
    a.pid = -1;
    a.fd = -1;
  }

  // SIGTERM everyone, then reap (agents leave gracefully within ~0.5 s).
  void stop_all() {
    for (auto& [id, a] : agents_) {
      if (a.pid > 0) ::kill(a.pid, SIGTERM);
    }
    for (auto& [id, a] : agents_) kill_agent(id, SIGKILL);
  }

  const std::vector<std::string>& lines(const std::string& id) { return agents_.at(id).lines; }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& [id, a] : agents_) out.push_back(id);
    return out;
  }

  // Reads output until `done()` holds or `timeout_ms` pass. Returns done().
  bool wait_for(const std::function<bool()>& done, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return false;
      std::vector<pollfd> fds;
      std::vector<AgentProcess*> owners;
      for (auto& [id, a] : agents_) {
        if (a.fd >= 0) {
          fds.push_back({a.fd, POLLIN, 0});
          owners.push_back(&a);
        }
      }
      if (fds.empty()) return done();
      ::poll(fds.data(), fds.size(), static_cast<int>(left));
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0) read_lines(*owners[i]);
      }
    }
    return true;
  }

 private:
  static void read_lines(AgentProcess& a) {
    char buf[4096];
    ssize_t n;
    while ((n = read(a.fd, buf, sizeof buf)) > 0) a.partial.append(buf, static_cast<std::size_t>(n));
    if (n == 0) {  // EOF: the process exited
      close(a.fd);
      a.fd = -1;
    }
    std::size_t pos;
    while ((pos = a.partial.find('\n')) != std::string::npos) {
      a.lines.push_back(a.partial.substr(0, pos));
      a.partial.erase(0, pos + 1);
    }
  }

  std::map<std::string, AgentProcess> agents_;
};

// Latest view of one agent, from its EVENT lines: member -> (kind, incarnation).
inline std::map<std::string, std::pair<std::string, std::uint64_t>> latest_states(
    const std::vector<std::string>& lines) {
  std::map<std::string, std::pair<std::string, std::uint64_t>> out;
  for (const auto& l : lines) {
    if (l.rfind("EVENT ", 0) != 0) continue;
    auto a = l.find(' ', 6), b = l.find(' ', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    out[l.substr(a + 1, b - a - 1)] = {l.substr(6, a - 6), std::stoull(l.substr(b + 1))};
  }
  return out;
}

// The pub endpoint of `member` in the agent's latest EVENT line about it, empty if none.
inline std::string latest_pub(const std::vector<std::string>& lines, const std::string& member) {
  std::string out;
  for (const auto& l : lines) {
    if (l.rfind("EVENT ", 0) != 0) continue;
    auto a = l.find(' ', 6), b = l.find(' ', a + 1), c = l.find(' ', b + 1);
    if (c == std::string::npos || l.substr(a + 1, b - a - 1) != member) continue;
    out = l.substr(c + 1);
  }
  return out;
}

// A counter from the agent's last STATS line, 0 if none yet.
inline std::uint64_t last_stat(const std::vector<std::string>& lines, const std::string& name) {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->rfind("STATS ", 0) != 0) continue;
    auto at = it->find(" " + name + "=");
    if (at == std::string::npos) return 0;
    return std::stoull(it->substr(at + name.size() + 2));
  }
  return 0;
}

inline bool is_live(const std::string& kind) {
  return kind == "joined" || kind == "alive" || kind == "updated";
}

// The port from the agent's READY line, 0 if not yet printed.
inline int ready_port(const std::vector<std::string>& lines) {
  for (const auto& l : lines) {
    if (l.rfind("READY ", 0) == 0) return std::stoi(l.substr(l.rfind(' ') + 1));
  }
  return 0;
}

// The last PARTITION line's payload ("<state> <groups>"), empty if none yet.
inline std::string last_partition(const std::vector<std::string>& lines) {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->rfind("PARTITION ", 0) == 0) return it->substr(10);
  }
  return {};
}

}  // namespace vsm::gossip::test
