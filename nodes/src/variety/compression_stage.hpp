// The publish path's compression stage (docs/VARIETY.md "Semantic compression"): a
// Compressor behind a mutex, and the "vsm-variety" thread that closes windows when their
// time is up and hands the summaries to `emit` (the publish path, as system events).
// Exists only when NodeConfig::compression has rules, so compression off costs the
// publish path one null-pointer branch. Thread-safety: offer() from any thread;
// start()/flush_and_stop() from the node's owner. `emit` runs on the publishing thread
// (a window closed by max_events) or on "vsm-variety", never under the stage's mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "variety/compressor.hpp"

namespace vsm::detail {

class CompressionStage {
 public:
  CompressionStage(const CompressionConfig& config, std::function<void(Event&&)> emit);
  ~CompressionStage();
  CompressionStage(const CompressionStage&) = delete;
  CompressionStage& operator=(const CompressionStage&) = delete;

  // The rule for this channel and type (rules never change: no lock); null = not compressed.
  const CompressionRule* rule_for(Channel c, std::string_view type) const noexcept {
    return compressor_.rule_for(c, type);
  }
  // True when `event` was folded into a window (publish() then returns without sending
  // it); false when it must be sent as it is.
  bool offer(const Event& event, const CompressionRule& rule);
  void start();
  // Stops the thread and emits every open window (node close). Idempotent.
  void flush_and_stop();
  void fill_stats(VarietyStats& s) const;

 private:
  void run(std::stop_token stop);
  void emit_all(std::vector<Event>& out);

  std::function<void(Event&&)> emit_;
  mutable std::mutex mu_;  // leaf: guards compressor_ and stopped_
  std::condition_variable_any cv_;
  Compressor compressor_;
  bool stopped_ = false;
  bool wake_ = false;  // a first window opened: the thread recomputes its deadline
  std::atomic<std::uint64_t> compressed_{0}, summaries_{0}, bypassed_{0};
  std::jthread thread_;
};

}  // namespace vsm::detail
