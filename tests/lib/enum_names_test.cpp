#include "vsm/enum_names.hpp"

#include <catch2/catch.hpp>

#include "vsm/circuit_breaker.hpp"
#include "vsm/role.hpp"

namespace vsm {
namespace {
enum class Color { kRed, kBlue, kGreen };
constexpr EnumNames<Color, 2> kColorNames{{{{Color::kRed, "red"}, {Color::kBlue, "blue"}}}};
static_assert(kColorNames.name(Color::kBlue) == "blue");
static_assert(kColorNames.parse("red") == Color::kRed);
}  // namespace

TEST_CASE("enum names go both ways from one table", "[enum_names]") {
  CHECK(kColorNames.name(Color::kGreen) == "?");
  CHECK(kColorNames.name(Color::kGreen, "unknown") == "unknown");
  CHECK_FALSE(kColorNames.parse("Red").has_value());
  CHECK_FALSE(kColorNames.parse("").has_value());
}

TEST_CASE("role and breaker names round-trip through their tables", "[enum_names]") {
  for (Role r : {Role::kS1, Role::kS2, Role::kS3, Role::kS3Star, Role::kS4, Role::kS5}) {
    CHECK(parse_role(role_name(r)) == r);
  }
  CHECK(parse_role("s3star") == Role::kS3Star);
  CHECK(parse_role("S3STAR") == Role::kS3Star);
  CHECK(parse_role("s5") == Role::kS5);
  CHECK_FALSE(parse_role("S6").has_value());
  CHECK_FALSE(parse_role("broadcast").has_value());
  CHECK(breaker_state_name(BreakerState::kHalfOpen) == "half_open");
}

}  // namespace vsm
