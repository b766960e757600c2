// Duplicate detection for event ids (algedonic alerts arrive over UDP and the data plane;
// Reliable replay may resend): remembers ids seen in a window bounded by count
// (max_ids) and age (max_age_ms). O(1) amortised per call: a hash set plus a FIFO of
// insertion order. An id is remembered from its first sighting; repeats do not extend it.
// Sans-I/O: the caller passes monotonic milliseconds. Not thread-safe (one owner thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_set>

#include "vsm/event_id.hpp"

namespace vsm {

struct DedupWindowConfig {
  std::size_t max_ids = 100'000;    // remembered ids; the oldest is forgotten first
  std::uint64_t max_age_ms = 60'000; // ids older than this are forgotten
};

class DedupWindow {
 public:
  explicit DedupWindow(DedupWindowConfig config = {});
  DedupWindow(const DedupWindow&) = delete;
  DedupWindow& operator=(const DedupWindow&) = delete;

  // True if `id` is new (and remembers it); false for a duplicate within the window.
  bool check_and_insert(const EventId& id, std::uint64_t now_ms);
  // True if `id` is currently remembered. Does not insert.
  bool contains(const EventId& id, std::uint64_t now_ms);

  std::size_t size() const noexcept { return ids_.size(); }
  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t evicted_by_count() const noexcept { return evicted_count_; }
  std::uint64_t evicted_by_age() const noexcept { return evicted_age_; }

 private:
  struct Entry {
    EventId id;
    std::uint64_t seen_ms;
  };
  void expire(std::uint64_t now_ms);
  void forget_oldest() noexcept;

  DedupWindowConfig config_;
  std::deque<Entry> order_;  // oldest first
  std::unordered_set<EventId> ids_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t evicted_count_ = 0;
  std::uint64_t evicted_age_ = 0;
};

}  // namespace vsm
