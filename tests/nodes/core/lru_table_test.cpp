// The bounded table behind per-publisher state (core/lru_table.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/lru_table.hpp"

using vsm::detail::LruTable;

TEST_CASE("an LRU table evicts the least recently used entry when full", "[lru]") {
  LruTable<int> t(2);
  *t.get_or_insert("a").first = 1;
  *t.get_or_insert("b").first = 2;
  REQUIRE(t.find("a") != nullptr);  // "a" is now the most recent
  std::vector<std::string> evicted;
  auto [c, inserted] =
      t.get_or_insert("c", [&](const std::string& k, int& v) { evicted.push_back(k + std::to_string(v)); });
  CHECK(inserted);
  *c = 3;
  CHECK(evicted == std::vector<std::string>{"b2"});
  CHECK(t.size() == 2);
  CHECK(t.evictions() == 1);
  CHECK(t.peek("b") == nullptr);
  CHECK(*t.peek("a") == 1);
  CHECK(*t.peek("c") == 3);
}

TEST_CASE("an LRU table finds existing entries without inserting", "[lru]") {
  LruTable<int> t(4);
  CHECK(t.find("x") == nullptr);
  CHECK(t.empty());
  auto [v, inserted] = t.get_or_insert(std::string_view("x"));
  CHECK(inserted);
  *v = 5;
  auto [again, second] = t.get_or_insert("x");
  CHECK_FALSE(second);
  CHECK(*again == 5);
  CHECK(t.erase("x"));
  CHECK_FALSE(t.erase("x"));
  CHECK(t.empty());
}

TEST_CASE("an LRU table visits entries most recent first; peek does not reorder", "[lru]") {
  LruTable<int> t(3);
  t.get_or_insert("a");
  t.get_or_insert("b");
  t.get_or_insert("c");
  (void)t.peek("a");
  (void)t.find("b");
  std::vector<std::string> order;
  t.for_each([&](const std::string& k, int&) { order.push_back(k); });
  CHECK(order == std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("an LRU table keeps values of long keys at stable addresses", "[lru]") {
  LruTable<std::string> t(1'000);
  std::vector<std::string*> values;
  for (int i = 0; i < 1'000; ++i) {
    const std::string key = std::string(200, 'k') + std::to_string(i);
    auto* v = t.get_or_insert(key).first;
    *v = key;
    values.push_back(v);
  }
  for (int i = 0; i < 1'000; ++i) {
    const std::string key = std::string(200, 'k') + std::to_string(i);
    REQUIRE(t.find(key) == values[static_cast<std::size_t>(i)]);
    CHECK(*values[static_cast<std::size_t>(i)] == key);
  }
}

TEST_CASE("an LRU table of capacity 0 holds one entry", "[lru]") {
  LruTable<int> t(0);
  t.get_or_insert("a");
  t.get_or_insert("b");
  CHECK(t.size() == 1);
  CHECK(t.peek("b") != nullptr);
}
