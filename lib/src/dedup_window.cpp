#include "vsm/dedup_window.hpp"

#include <algorithm>

namespace vsm {

DedupWindow::DedupWindow(DedupWindowConfig config) : config_(config) {
  config_.max_ids = std::max<std::size_t>(1, config_.max_ids);
}

void DedupWindow::forget_oldest() noexcept {
  ids_.erase(order_.front().id);
  order_.pop_front();
}

void DedupWindow::expire(std::uint64_t now_ms) {
  // Age: entries are in insertion order, so stop at the first young one. A clock that
  // went backwards (now < seen) expires nothing.
  while (!order_.empty() && now_ms >= order_.front().seen_ms &&
         now_ms - order_.front().seen_ms >= config_.max_age_ms) {
    forget_oldest();
    ++evicted_age_;
  }
}

bool DedupWindow::check_and_insert(const EventId& id, std::uint64_t now_ms) {
  expire(now_ms);
  if (ids_.find(id) != ids_.end()) {
    ++duplicates_;
    return false;
  }
  if (order_.size() >= config_.max_ids) {
    forget_oldest();
    ++evicted_count_;
  }
  order_.push_back(Entry{id, now_ms});
  ids_.insert(id);
  return true;
}

bool DedupWindow::contains(const EventId& id, std::uint64_t now_ms) {
  expire(now_ms);
  return ids_.find(id) != ids_.end();
}

}  // namespace vsm
