#include "interval_syncer.hpp"

#include <pthread.h>

namespace vsm::persist::detail {

IntervalSyncer::IntervalSyncer(std::chrono::milliseconds interval, std::function<void()> sync)
    : interval_(interval),
      sync_(std::move(sync)),
      thread_([this](std::stop_token st) { run(st); }) {}

void IntervalSyncer::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void IntervalSyncer::run(std::stop_token stop) {
  ::pthread_setname_np(::pthread_self(), "vsm-log-sync");
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    cv_.wait_for(lock, stop, interval_, [] { return false; });
    if (stop.stop_requested()) break;
    lock.unlock();
    sync_();
    lock.lock();
  }
}

}  // namespace vsm::persist::detail
