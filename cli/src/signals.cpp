#include "signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace vsmcat {
namespace {

std::atomic<bool> g_stop{false};
std::mutex g_mu;
std::function<void()> g_action;  // guarded by g_mu

void signal_loop(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    std::function<void()> action;
    {
      std::lock_guard lock(g_mu);
      action = g_action;
    }
    if (g_stop.exchange(true) || !action) std::_Exit(128 + sig);
    action();
  }
}

}  // namespace

void install_signal_handling() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Detached: it blocks in sigwait() for the life of the process, which ends it.
  std::thread(signal_loop, set).detach();
}

bool stop_requested() noexcept { return g_stop.load(); }

StopOnSignal::StopOnSignal(std::function<void()> action) {
  std::lock_guard lock(g_mu);
  g_action = std::move(action);
}

StopOnSignal::~StopOnSignal() {
  std::lock_guard lock(g_mu);
  g_action = nullptr;
}

}  // namespace vsmcat
