#include "variety/compression_stage.hpp"

#include <chrono>

#include "core/node_thread.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
namespace {

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

CompressionStage::CompressionStage(const CompressionConfig& config,
                                   std::function<void(Event&&)> emit)
    : emit_(std::move(emit)), compressor_(config) {}

CompressionStage::~CompressionStage() { flush_and_stop(); }

bool CompressionStage::offer(const Event& event, const CompressionRule& rule) {
  std::vector<Event> out;
  bool first_window = false;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return false;
    first_window = compressor_.open_windows() == 0;
    if (!compressor_.absorb(event, rule, monotonic_ms(), wall_ms(), out)) {
      bypassed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    wake_ = wake_ || first_window;
  }
  compressed_.fetch_add(1, std::memory_order_relaxed);
  if (first_window) cv_.notify_one();  // the thread sleeps without a deadline otherwise
  emit_all(out);
  return true;
}

void CompressionStage::start() {
  thread_ = std::jthread([this](std::stop_token st) { run(std::move(st)); });
}

void CompressionStage::run(std::stop_token stop) {
  set_thread_name("vsm-variety");
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    const auto due = compressor_.next_due_ms();
    const auto wait = due ? std::chrono::milliseconds(*due > monotonic_ms() ? *due - monotonic_ms() : 0)
                          : std::chrono::milliseconds(1'000);
    cv_.wait_for(lock, stop, wait, [this] { return wake_; });
    wake_ = false;
    std::vector<Event> out;
    compressor_.take_due(monotonic_ms(), false, out);
    if (out.empty()) continue;
    lock.unlock();
    emit_all(out);
    lock.lock();
  }
}

void CompressionStage::flush_and_stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  std::vector<Event> out;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    compressor_.take_due(0, true, out);
  }
  emit_all(out);
}

void CompressionStage::emit_all(std::vector<Event>& out) {
  for (Event& e : out) {
    summaries_.fetch_add(1, std::memory_order_relaxed);
    emit_(std::move(e));
  }
}

void CompressionStage::fill_stats(VarietyStats& s) const {
  s.compressed_events = compressed_.load();
  s.summaries_sent = summaries_.load();
  s.compression_bypassed = bypassed_.load();
  s.compression_ratio = s.summaries_sent == 0
                            ? 0.0
                            : static_cast<double>(s.compressed_events) /
                                  static_cast<double>(s.summaries_sent);
}

}  // namespace vsm::detail
