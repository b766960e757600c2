// DedupWindow: duplicates, eviction by count and by age, odd clocks.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vsm/dedup_window.hpp"

namespace vsm {
namespace {
// A readable id per name: the name's bytes, zero-padded to 16.
EventId id(std::string_view name) {
  std::string b(name.substr(0, EventId::kSize));
  b.resize(EventId::kSize, '\0');
  return *EventId::from_bytes(b);
}
}  // namespace

TEST_CASE("dedup: second sighting is a duplicate", "[dedup_window]") {
  DedupWindow w;
  CHECK(w.check_and_insert(id("evt_a"), 0));
  CHECK_FALSE(w.check_and_insert(id("evt_a"), 1));
  CHECK(w.check_and_insert(id("evt_b"), 1));
  CHECK(w.contains(id("evt_a"), 2));
  CHECK_FALSE(w.contains(id("evt_c"), 2));
  CHECK(w.size() == 2);
  CHECK(w.duplicates() == 1);
}

TEST_CASE("dedup: eviction by count forgets the oldest", "[dedup_window]") {
  DedupWindow w({.max_ids = 3, .max_age_ms = 1'000'000});
  for (const char* name : {"a", "b", "c"}) REQUIRE(w.check_and_insert(id(name), 0));
  CHECK(w.check_and_insert(id("d"), 0));  // evicts "a"
  CHECK(w.size() == 3);
  CHECK(w.evicted_by_count() == 1);
  CHECK_FALSE(w.contains(id("a"), 0));
  CHECK(w.contains(id("b"), 0));
  CHECK(w.check_and_insert(id("a"), 0));  // forgotten, so new again (evicts "b")
  CHECK_FALSE(w.contains(id("b"), 0));
  CHECK_FALSE(w.check_and_insert(id("d"), 0));
}

TEST_CASE("dedup: eviction by age", "[dedup_window]") {
  DedupWindow w({.max_ids = 100, .max_age_ms = 1000});
  REQUIRE(w.check_and_insert(id("a"), 0));
  REQUIRE(w.check_and_insert(id("b"), 500));
  CHECK_FALSE(w.check_and_insert(id("a"), 999));  // a repeat does not extend the window
  CHECK(w.contains(id("a"), 999));
  CHECK_FALSE(w.contains(id("a"), 1000));
  CHECK(w.contains(id("b"), 1000));
  CHECK(w.evicted_by_age() == 1);
  CHECK(w.check_and_insert(id("a"), 1000));
  CHECK_FALSE(w.contains(id("b"), 1500));
  CHECK(w.size() == 1);
  // A clock going backwards expires nothing.
  CHECK(w.contains(id("a"), 10));
}

TEST_CASE("dedup: many entries, oldest forgotten first", "[dedup_window]") {
  DedupWindow w({.max_ids = 1000, .max_age_ms = 1'000'000});
  std::vector<EventId> ids;
  for (int i = 0; i < 20'000; ++i) ids.push_back(EventId::generate());
  for (int i = 0; i < 20'000; ++i) {
    REQUIRE(w.check_and_insert(ids[i], static_cast<std::uint64_t>(i)));
    REQUIRE_FALSE(w.check_and_insert(ids[i], static_cast<std::uint64_t>(i)));
  }
  CHECK(w.size() == 1000);
  CHECK(w.contains(ids[19'999], 20'000));
  CHECK(w.contains(ids[19'000], 20'000));
  CHECK_FALSE(w.contains(ids[18'999], 20'000));
  CHECK(w.evicted_by_count() == 19'000);
  CHECK(w.duplicates() == 20'000);
}

}  // namespace vsm
