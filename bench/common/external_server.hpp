// A third-party server the benchmark runs for the duration of one system's runs
// (nats-server, redis-server): started on a port of our choosing, ready when its
// output shows `ready_marker` (no sleeps, no connect polling), stopped by stop() or the
// destructor even when a run fails. Its output is drained by a thread and the last
// lines are kept for error messages.
// Ownership: move-only via unique_ptr. Thread-safety: methods from one thread.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "cpu_time.hpp"
#include "line_pipe.hpp"

namespace vsm::bench {

using test::ChildProcess;
using test::SpawnOptions;

class ExternalServer {
 public:
  // Starts `argv` (argv[0] a full path, see find_executable) and waits up to timeout_ms for a line
  // containing ready_marker. Null and `*error` set (with the server's last output) when
  // it could not start.
  static std::unique_ptr<ExternalServer> start(const std::vector<std::string>& argv,
                                               const std::string& ready_marker,
                                               std::int64_t timeout_ms, std::string* error) {
    auto out = Pipe::make();
    if (!out) {
      if (error) *error = "pipe failed";
      return nullptr;
    }
    SpawnOptions opt;
    opt.argv = argv;
    opt.stdout_fd = out->write.get();
    opt.stderr_fd = out->write.get();
    auto child = ChildProcess::spawn(opt, error);
    if (!child) return nullptr;
    out->write.reset();
    std::unique_ptr<ExternalServer> s(new ExternalServer(std::move(*child), std::move(out->read)));
    s->marker_ = ready_marker;
    s->drain_ = std::thread([p = s.get()] { p->drain(); });
    if (!s->wait_ready(timeout_ms)) {
      if (error) *error = argv[0] + " did not become ready: " + s->last_output();
      return nullptr;  // destructor stops it
    }
    return s;
  }

  ExternalServer(const ExternalServer&) = delete;
  ExternalServer& operator=(const ExternalServer&) = delete;
  ~ExternalServer() { stop(); }

  pid_t pid() const noexcept { return child_.pid(); }
  CpuTime cpu() const { return process_cpu(child_.pid()); }

  // SIGTERM, then SIGKILL after grace_ms; reaps it and joins the drain thread.
  // True when the process is verifiably gone afterwards. Idempotent.
  bool stop(std::int64_t grace_ms = 5'000) {
    child_.stop(std::chrono::milliseconds(grace_ms));
    if (drain_.joinable()) drain_.join();  // EOF once the server (sole writer) exited
    return child_.reaped() && child_.gone();
  }

  std::string last_output() const {
    std::lock_guard lk(mu_);
    std::string s;
    for (const auto& l : tail_) s += l + " | ";
    return s;
  }

 private:
  ExternalServer(ChildProcess child, Fd out) : child_(std::move(child)), out_(std::move(out)) {}

  void drain() {
    LineReader reader(out_.get());
    for (;;) {
      auto line = reader.read_line(3'600'000);
      if (!line) {
        if (reader.eof()) break;
        continue;
      }
      std::lock_guard lk(mu_);
      if (line->find(marker_) != std::string::npos) ready_ = true;
      tail_.push_back(*line);
      if (tail_.size() > 8) tail_.pop_front();
      cv_.notify_all();
    }
    std::lock_guard lk(mu_);
    exited_ = true;
    cv_.notify_all();
  }

  bool wait_ready(std::int64_t timeout_ms) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return ready_ || exited_; });
    return ready_ && !exited_;
  }

  ChildProcess child_;
  Fd out_;
  std::string marker_;
  std::thread drain_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> tail_;
  bool ready_ = false;
  bool exited_ = false;
};

// Full path of executable `name` found in PATH or the sbin directories (Debian puts
// nats-server in /usr/sbin, which a normal user's PATH lacks); empty when missing.
inline std::string find_executable(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = std::string(path ? path : "/usr/bin:/bin") + ":/usr/sbin:/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t end = p.find(':', start);
    const std::string dir = p.substr(start, end == std::string::npos ? end : end - start);
    const std::string full = dir + "/" + name;
    if (!dir.empty() && ::access(full.c_str(), X_OK) == 0) return full;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

}  // namespace vsm::bench
