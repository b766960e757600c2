#include "vsm/gossip/broadcast_queue.hpp"

namespace vsm::gossip {

void BroadcastQueue::push(std::string key, std::string encoded) {
  auto it = items_.find(key);
  if (it != items_.end()) erase(it);
  Item item{std::move(encoded), 0, next_id_++};
  OrderKey order{0, -static_cast<std::int64_t>(item.id)};
  order_.emplace(order, items_.emplace(std::move(key), std::move(item)).first);
}

std::size_t BroadcastQueue::take(std::size_t budget_bytes, std::size_t max_items,
                                 std::uint32_t limit, std::string& out) {
  std::vector<std::map<OrderKey, Items::iterator>::iterator> taken;
  std::size_t used = 0;
  // Bounded scan: with thousands of queued updates, looking past a few misses for one
  // that still fits costs more than it saves.
  constexpr int kMaxMisses = 8;
  int misses = 0;
  for (auto it = order_.begin(); it != order_.end() && taken.size() < max_items; ++it) {
    const Item& item = it->second->second;
    // A msgpack array element needs no separator, so sizes simply add up.
    if (used + item.encoded.size() > budget_bytes) {
      if (++misses >= kMaxMisses) break;
      continue;
    }
    used += item.encoded.size();
    out += item.encoded;
    taken.push_back(it);
    if (budget_bytes - used < 16) break;  // nothing useful fits any more
  }
  for (auto entry : taken) {
    Items::iterator item = entry->second;
    std::int64_t order_id = entry->first.second;
    order_.erase(entry);
    if (++item->second.transmits >= limit) {
      items_.erase(item);
    } else {
      order_.emplace(OrderKey{item->second.transmits, order_id}, item);
    }
  }
  return taken.size();
}

void BroadcastQueue::erase(Items::iterator it) {
  order_.erase({it->second.transmits, -static_cast<std::int64_t>(it->second.id)});
  items_.erase(it);
}

void BroadcastQueue::erase(const std::string& key) {
  if (auto it = items_.find(key); it != items_.end()) erase(it);
}

void BroadcastQueue::erase_prefix(const std::string& prefix) {
  for (auto it = items_.lower_bound(prefix);
       it != items_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    erase(it++);
  }
}

void BroadcastQueue::clear() noexcept {
  items_.clear();
  order_.clear();
}

}  // namespace vsm::gossip
