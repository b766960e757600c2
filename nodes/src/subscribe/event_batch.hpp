// A FIFO of Events in one contiguous vector with a read index: the queue of a
// subscription. The reactor appends to one batch while the consumer drains another;
// they swap under the subscription's lock. Consumed slots are not destroyed but kept
// as spares (bounded by count and payload bytes), and push() copy-assigns into a spare, so its strings
// reuse their capacity: with Subscription::next_into(), which swaps the consumer's
// Event with the slot, a steady stream allocates nothing per event on either thread.
// Not thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "vsm/event.hpp"

namespace vsm::detail {

class EventBatch {
 public:
  std::size_t size() const noexcept { return end_ - head_; }
  bool empty() const noexcept { return head_ == end_; }

  // Copy- or move-assigns into a spare slot when there is one (a copy then reuses the
  // spare's string capacity), else appends.
  template <typename E>
  void push(E&& e) {
    if (end_ < items_.size()) {
      items_[end_] = std::forward<E>(e);
    } else {
      items_.push_back(std::forward<E>(e));
    }
    ++end_;
  }
  // Moves the first event out.
  Event take_front() {
    Event e = std::move(items_[head_++]);
    if (head_ == end_) clear();
    return e;
  }
  // Swaps the first event into `out`; out's old buffers become a spare slot.
  void swap_front(Event& out) {
    using std::swap;
    swap(out, items_[head_++]);
    if (head_ == end_) clear();
  }
  // Discards the first event (drop-oldest overflow).
  void pop_front() {
    ++head_;
    if (head_ == end_) {
      clear();
    } else if (head_ >= kCompactAfter && head_ >= size()) {
      rotate_out(0, head_);
    }
  }
  // Removes the first event matching `pred`; true when one was found.
  template <typename Pred>
  bool erase_first(Pred&& pred) {
    auto it = std::find_if(begin(), end(), pred);
    if (it == end()) return false;
    const auto at = static_cast<std::size_t>(it - items_.begin());
    rotate_out(at, at + 1);
    if (head_ == end_) clear();
    return true;
  }
  // Empties the batch. Slots beyond kMaxSpare are destroyed, and so are the payload
  // buffers beyond kMaxSparePayloadBytes in all (or larger than kMaxSparePayload), so a
  // burst of big events does not pin memory; a subscriber that falls behind (its batches
  // grow to thousands of events) still reuses every slot of a small-event stream instead
  // of allocating per event, which would put it further behind.
  void clear() noexcept {
    std::size_t budget = kMaxSparePayloadBytes;
    const std::size_t kept = std::min(end_, kMaxSpare);
    for (std::size_t i = 0; i < kept; ++i) {
      const std::size_t capacity = items_[i].payload.bytes().capacity();
      if (capacity <= kMaxSparePayload && capacity <= budget) {
        budget -= capacity;
        continue;
      }
      Value released;  // a move-assign would keep the big buffer; a swap frees it
      using std::swap;
      swap(items_[i].payload, released);
    }
    if (items_.size() > kMaxSpare) items_.resize(kMaxSpare);
    head_ = end_ = 0;
  }
  void swap(EventBatch& other) noexcept {
    items_.swap(other.items_);
    std::swap(head_, other.head_);
    std::swap(end_, other.end_);
  }

  std::vector<Event>::iterator begin() noexcept {
    return items_.begin() + static_cast<std::ptrdiff_t>(head_);
  }
  std::vector<Event>::iterator end() noexcept {
    return items_.begin() + static_cast<std::ptrdiff_t>(end_);
  }

 private:
  static constexpr std::size_t kCompactAfter = 1024;
  static constexpr std::size_t kMaxSpare = 16 * 1024;
  static constexpr std::size_t kMaxSparePayload = 16 * 1024;
  static constexpr std::size_t kMaxSparePayloadBytes = 4u << 20;

  // Moves slots [from, to) behind the live events, where they become spares.
  void rotate_out(std::size_t from, std::size_t to) {
    const auto b = items_.begin();
    std::rotate(b + static_cast<std::ptrdiff_t>(from), b + static_cast<std::ptrdiff_t>(to),
                b + static_cast<std::ptrdiff_t>(end_));
    const std::size_t n = to - from;
    end_ -= n;
    if (from < head_) head_ -= std::min(n, head_ - from);
  }

  std::vector<Event> items_;
  std::size_t head_ = 0;
  std::size_t end_ = 0;  // items_[end_..] are spares
};

}  // namespace vsm::detail
