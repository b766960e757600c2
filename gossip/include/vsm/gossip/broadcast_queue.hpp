// Memberlist-style transmit-limited queue of piggybacked updates. Each item is an
// encoded message keyed by what it is about (a member name, a reach chunk); a newer item
// with the same key replaces the older one. Items are handed out fewest-transmits-first
// and dropped after `limit` transmissions. Not thread-safe (owned by one Membership).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vsm::gossip {

class BroadcastQueue {
 public:
  // Queues (or replaces) the update for `key`.
  void push(std::string key, std::string encoded);
  // Appends to `out` encoded messages whose sizes fit `budget_bytes`, at most
  // `max_items`; counts one transmission for each and retires items that reached
  // `limit` transmissions. Returns how many were appended.
  std::size_t take(std::size_t budget_bytes, std::size_t max_items, std::uint32_t limit,
                   std::string& out);
  // Drops the update for `key` / every update whose key starts with `prefix`.
  void erase(const std::string& key);
  void erase_prefix(const std::string& prefix);
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  void clear() noexcept;

 private:
  struct Item {
    std::string encoded;
    std::uint32_t transmits = 0;
    std::uint64_t id = 0;  // insertion order, newer first among equal transmits
  };
  using Items = std::map<std::string, Item>;
  // Order: (transmits asc, id desc) -> item; map iterators stay valid until erased.
  using OrderKey = std::pair<std::uint32_t, std::int64_t>;

  void erase(Items::iterator it);

  Items items_;
  std::map<OrderKey, Items::iterator> order_;
  std::uint64_t next_id_ = 0;
};

}  // namespace vsm::gossip
