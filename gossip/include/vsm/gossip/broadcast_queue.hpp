// Memberlist-style transmit-limited queue of piggybacked updates. Each item is an
// encoded message keyed by what it is about (a member name, a reach chunk); a newer item
// with the same key replaces the older one. Items are handed out fewest-transmits-first
// (newest first among equals) and dropped after `limit` transmissions. Every operation
// is O(1) per item touched: items live in per-transmit-count lists. Not thread-safe
// (owned by one Membership).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
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
  std::size_t size() const noexcept { return index_.size(); }
  bool empty() const noexcept { return index_.empty(); }
  void clear() noexcept;

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;
  struct Item {
    std::string key;
    std::string encoded;
    std::uint32_t transmits = 0;
    std::uint32_t prev = kNil;  // neighbours in the list of its transmit count
    std::uint32_t next = kNil;
  };
  struct List {
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
  };

  void link_front(std::uint32_t i);
  void link_back(std::uint32_t i);
  void unlink(std::uint32_t i);
  void release(std::uint32_t i);
  List& list(std::uint32_t transmits);

  std::vector<Item> items_;
  std::vector<std::uint32_t> free_;
  std::vector<List> lists_;  // by transmit count
  std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace vsm::gossip
