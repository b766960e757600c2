// Bare UUID strings (node instance ids): format and uniqueness.
#include <catch2/catch.hpp>

#include <string_view>
#include <unordered_set>

#include "vsm/ids.hpp"

namespace vsm {
namespace {

// 8-4-4-4-12 lower-case hex, version nibble 4, variant nibble 8..b (RFC 4122). A hand
// check instead of std::regex, whose GCC 12 + ASan build warns inside libstdc++.
bool is_uuid_v4(std::string_view u) {
  if (u.size() != 36) return false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const char c = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return u[14] == '4' && (u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
}

}  // namespace

TEST_CASE("ids: the UUID checker itself", "[ids]") {
  CHECK(is_uuid_v4("3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60"));
  CHECK_FALSE(is_uuid_v4("3f2b8c1e-9a4d-3c55-8e0f-1b2c3d4e5f60"));  // version 3
  CHECK_FALSE(is_uuid_v4("3f2b8c1e-9a4d-4c55-7e0f-1b2c3d4e5f60"));  // variant
  CHECK_FALSE(is_uuid_v4("3F2B8C1E-9a4d-4c55-8e0f-1b2c3d4e5f60"));  // upper case
  CHECK_FALSE(is_uuid_v4("3f2b8c1e9a4d-4c55-8e0f-1b2c3d4e5f60-"));
  CHECK_FALSE(is_uuid_v4("3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f6"));
}

TEST_CASE("ids: new_uuid is a UUID v4 string", "[ids]") {
  for (int i = 0; i < 1000; ++i) {
    const std::string u = new_uuid();
    INFO(u);
    REQUIRE(is_uuid_v4(u));
  }
}

TEST_CASE("ids: 100k uuids are unique", "[ids]") {
  std::unordered_set<std::string> seen;
  seen.reserve(100'000);
  for (int i = 0; i < 100'000; ++i) REQUIRE(seen.insert(new_uuid()).second);
}

TEST_CASE("ids: hex digits are roughly uniform", "[ids]") {
  // Catches a broken generator (e.g. a stuck word) without being flaky.
  int counts[16] = {};
  for (int i = 0; i < 10'000; ++i) {
    const std::string u = new_uuid();
    for (std::size_t p : {0u, 9u, 24u, 35u}) {
      const char c = u[p];
      ++counts[c <= '9' ? c - '0' : c - 'a' + 10];
    }
  }
  for (int c : counts) {
    CHECK(c > 1800);  // expected 2500
    CHECK(c < 3200);
  }
}

}  // namespace vsm
