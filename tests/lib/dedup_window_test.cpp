// DedupWindow: duplicates, eviction by count and by age, odd clocks.
#include <catch2/catch.hpp>

#include <string>

#include "vsm/dedup_window.hpp"

namespace vsm {

TEST_CASE("dedup: second sighting is a duplicate", "[dedup_window]") {
  DedupWindow w;
  CHECK(w.check_and_insert("evt_a", 0));
  CHECK_FALSE(w.check_and_insert("evt_a", 1));
  CHECK(w.check_and_insert("evt_b", 1));
  CHECK(w.contains("evt_a", 2));
  CHECK_FALSE(w.contains("evt_c", 2));
  CHECK(w.size() == 2);
  CHECK(w.duplicates() == 1);
}

TEST_CASE("dedup: eviction by count forgets the oldest", "[dedup_window]") {
  DedupWindow w({.max_ids = 3, .max_age_ms = 1'000'000});
  for (const char* id : {"a", "b", "c"}) REQUIRE(w.check_and_insert(id, 0));
  CHECK(w.check_and_insert("d", 0));  // evicts "a"
  CHECK(w.size() == 3);
  CHECK(w.evicted_by_count() == 1);
  CHECK_FALSE(w.contains("a", 0));
  CHECK(w.contains("b", 0));
  CHECK(w.check_and_insert("a", 0));  // forgotten, so new again (evicts "b")
  CHECK_FALSE(w.contains("b", 0));
  CHECK_FALSE(w.check_and_insert("d", 0));
}

TEST_CASE("dedup: eviction by age", "[dedup_window]") {
  DedupWindow w({.max_ids = 100, .max_age_ms = 1000});
  REQUIRE(w.check_and_insert("a", 0));
  REQUIRE(w.check_and_insert("b", 500));
  CHECK_FALSE(w.check_and_insert("a", 999));  // a repeat does not extend the window
  CHECK(w.contains("a", 999));
  CHECK_FALSE(w.contains("a", 1000));
  CHECK(w.contains("b", 1000));
  CHECK(w.evicted_by_age() == 1);
  CHECK(w.check_and_insert("a", 1000));
  CHECK_FALSE(w.contains("b", 1500));
  CHECK(w.size() == 1);
  // A clock going backwards expires nothing.
  CHECK(w.contains("a", 10));
}

TEST_CASE("dedup: long ids and many entries keep stable views", "[dedup_window]") {
  DedupWindow w({.max_ids = 1000, .max_age_ms = 1'000'000});
  for (int i = 0; i < 20'000; ++i) {
    const std::string id = "evt_" + std::string(40, 'x') + std::to_string(i);  // heap strings
    REQUIRE(w.check_and_insert(id, static_cast<std::uint64_t>(i)));
    REQUIRE_FALSE(w.check_and_insert(id, static_cast<std::uint64_t>(i)));
    const std::string sso = std::to_string(i);  // small-string-optimised ids
    REQUIRE(w.check_and_insert(sso, static_cast<std::uint64_t>(i)));
  }
  CHECK(w.size() == 1000);
  CHECK(w.contains("19999", 20'000));
  CHECK_FALSE(w.contains("18999", 20'000));
  CHECK(w.evicted_by_count() == 39'000);
}

}  // namespace vsm
