// The `vsm-log-sync` thread of FsyncPolicy::kInterval: calls `sync` once every
// interval (the callee returns at once when nothing is unsynced), so an OS crash loses
// at most about one interval of acknowledged appends. It never touches the appenders'
// path. stop() (also run by the destructor) ends the thread and waits for a sync in
// progress; idempotent. Thread-safety: construct and stop from the owner's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace vsm::persist::detail {

class IntervalSyncer {
 public:
  IntervalSyncer(std::chrono::milliseconds interval, std::function<void()> sync);
  ~IntervalSyncer() { stop(); }
  IntervalSyncer(const IntervalSyncer&) = delete;
  IntervalSyncer& operator=(const IntervalSyncer&) = delete;

  void stop();

 private:
  void run(std::stop_token stop);

  std::chrono::milliseconds interval_;
  std::function<void()> sync_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::jthread thread_;  // last: started after the fields it uses
};

}  // namespace vsm::persist::detail
