// A table keyed by name (a publisher, a source) that holds at most `capacity` entries:
// inserting into a full table first evicts the least recently used entry, so state kept
// per peer-chosen name stays bounded whatever peers send (docs/PROTOCOL.md §1.7
// "Bounded state"). find() and get_or_insert() mark an entry most recently used; peek()
// does not. Pointers to values stay valid until their entry is evicted or erased.
// O(1) per operation: a list in recency order plus a hash index of views of its keys.
// Not thread-safe (one owner thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace vsm::detail {

template <typename V>
class LruTable {
 public:
  // A capacity of 0 is taken as 1 (configurations are validated elsewhere).
  explicit LruTable(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}
  LruTable(const LruTable&) = delete;
  LruTable& operator=(const LruTable&) = delete;

  // The value of `key`, marked most recently used; nullptr when absent.
  V* find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }
  const V* peek(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  // The value of `key` (marked most recently used), inserted value-initialised when
  // absent; a full table first evicts its least recently used entry, handing it to
  // `on_evict(const std::string& key, V& value)`. `.second` says whether it was inserted.
  template <typename OnEvict>
  std::pair<V*, bool> get_or_insert(std::string_view key, OnEvict&& on_evict) {
    if (V* v = find(key)) return {v, false};
    if (order_.size() >= capacity_) evict_oldest(on_evict);
    order_.emplace_front(std::string(key), V{});
    index_.emplace(std::string_view(order_.front().first), order_.begin());
    return {&order_.front().second, true};
  }
  std::pair<V*, bool> get_or_insert(std::string_view key) {
    return get_or_insert(key, [](const std::string&, V&) {});
  }

  bool erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    auto node = it->second;
    index_.erase(it);
    order_.erase(node);
    return true;
  }

  // Visits every entry, most recently used first: f(const std::string& key, V& value).
  template <typename F>
  void for_each(F&& f) {
    for (auto& [key, value] : order_) f(key, value);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, value] : order_) f(key, value);
  }

  std::size_t size() const noexcept { return order_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return order_.empty(); }
  // Entries evicted to make room since construction.
  std::uint64_t evictions() const noexcept { return evictions_; }

 private:
  using Order = std::list<std::pair<std::string, V>>;

  template <typename OnEvict>
  void evict_oldest(OnEvict& on_evict) {
    auto& [key, value] = order_.back();
    on_evict(static_cast<const std::string&>(key), value);
    index_.erase(std::string_view(key));
    order_.pop_back();
    ++evictions_;
  }

  const std::size_t capacity_;
  Order order_;  // most recently used first
  std::unordered_map<std::string_view, typename Order::iterator> index_;  // views into order_
  std::uint64_t evictions_ = 0;
};

}  // namespace vsm::detail
