#include "vsm/dedup_window.hpp"

#include <algorithm>

namespace vsm {

DedupWindow::DedupWindow(DedupWindowConfig config) : config_(config) {
  config_.max_ids = std::max<std::size_t>(1, config_.max_ids);
}

void DedupWindow::expire(std::uint64_t now_ms) {
  // Age: entries are in insertion order, so stop at the first young one. A clock that
  // went backwards (now < seen) expires nothing.
  while (!order_.empty() && now_ms >= order_.front().seen_ms &&
         now_ms - order_.front().seen_ms >= config_.max_age_ms) {
    ids_.erase(std::string_view(order_.front().id));
    order_.pop_front();
    ++evicted_age_;
  }
}

bool DedupWindow::check_and_insert(std::string_view id, std::uint64_t now_ms) {
  expire(now_ms);
  if (ids_.find(id) != ids_.end()) {
    ++duplicates_;
    return false;
  }
  if (order_.size() >= config_.max_ids) {
    ids_.erase(std::string_view(order_.front().id));
    order_.pop_front();
    ++evicted_count_;
  }
  order_.push_back(Entry{std::string(id), now_ms});
  ids_.insert(std::string_view(order_.back().id));
  return true;
}

bool DedupWindow::contains(std::string_view id, std::uint64_t now_ms) {
  expire(now_ms);
  return ids_.find(id) != ids_.end();
}

}  // namespace vsm
