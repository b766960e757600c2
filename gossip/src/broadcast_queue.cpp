#include "vsm/gossip/broadcast_queue.hpp"

namespace vsm::gossip {

BroadcastQueue::List& BroadcastQueue::list(std::uint32_t transmits) {
  if (transmits >= lists_.size()) lists_.resize(transmits + 1);
  return lists_[transmits];
}

void BroadcastQueue::link_front(std::uint32_t i) {
  List& l = list(items_[i].transmits);
  items_[i].prev = kNil;
  items_[i].next = l.head;
  if (l.head != kNil) items_[l.head].prev = i;
  l.head = i;
  if (l.tail == kNil) l.tail = i;
}

void BroadcastQueue::link_back(std::uint32_t i) {
  List& l = list(items_[i].transmits);
  items_[i].next = kNil;
  items_[i].prev = l.tail;
  if (l.tail != kNil) items_[l.tail].next = i;
  l.tail = i;
  if (l.head == kNil) l.head = i;
}

void BroadcastQueue::unlink(std::uint32_t i) {
  Item& it = items_[i];
  List& l = lists_[it.transmits];
  if (it.prev != kNil) items_[it.prev].next = it.next; else l.head = it.next;
  if (it.next != kNil) items_[it.next].prev = it.prev; else l.tail = it.prev;
  it.prev = it.next = kNil;
}

void BroadcastQueue::release(std::uint32_t i) {
  unlink(i);
  index_.erase(items_[i].key);
  items_[i] = Item{};
  free_.push_back(i);
}

void BroadcastQueue::push(std::string key, std::string encoded) {
  if (auto it = index_.find(key); it != index_.end()) release(it->second);
  std::uint32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(items_.size());
    items_.emplace_back();
  }
  items_[i].key = key;
  items_[i].encoded = std::move(encoded);
  items_[i].transmits = 0;
  index_.emplace(std::move(key), i);
  link_front(i);  // newest first among the never-sent
}

std::size_t BroadcastQueue::take(std::size_t budget_bytes, std::size_t max_items,
                                 std::uint32_t limit, std::string& out) {
  std::vector<std::uint32_t> taken;
  std::size_t used = 0;
  // Bounded scan: with thousands of queued updates, looking past a few misses for one
  // that still fits costs more than it saves.
  constexpr int kMaxMisses = 8;
  int misses = 0;
  for (std::uint32_t t = 0; t < lists_.size() && taken.size() < max_items && misses < kMaxMisses; ++t) {
    for (std::uint32_t i = lists_[t].head; i != kNil && taken.size() < max_items;) {
      const Item& item = items_[i];
      const std::uint32_t next = item.next;
      // A msgpack array element needs no separator, so sizes simply add up.
      if (used + item.encoded.size() > budget_bytes) {
        if (++misses >= kMaxMisses) break;
        i = next;
        continue;
      }
      used += item.encoded.size();
      out += item.encoded;
      taken.push_back(i);
      if (budget_bytes - used < 16) {  // nothing useful fits any more
        misses = kMaxMisses;
        break;
      }
      i = next;
    }
  }
  // Taken items move to the back of the next list, which keeps newer ones ahead there.
  for (std::uint32_t i : taken) {
    unlink(i);
    if (++items_[i].transmits >= limit) {
      index_.erase(items_[i].key);
      items_[i] = Item{};
      free_.push_back(i);
    } else {
      link_back(i);
    }
  }
  return taken.size();
}

void BroadcastQueue::erase(const std::string& key) {
  if (auto it = index_.find(key); it != index_.end()) release(it->second);
}

void BroadcastQueue::erase_prefix(const std::string& prefix) {
  std::vector<std::uint32_t> gone;
  for (const auto& [key, i] : index_) {
    if (key.compare(0, prefix.size(), prefix) == 0) gone.push_back(i);
  }
  for (std::uint32_t i : gone) release(i);
}

void BroadcastQueue::clear() noexcept {
  items_.clear();
  free_.clear();
  lists_.clear();
  index_.clear();
}

}  // namespace vsm::gossip
