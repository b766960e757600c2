// Value: opaque msgpack bytes and the msgpack-cxx conversions.
#include <catch2/catch.hpp>

#include "sample_event.hpp"

namespace vsm {

TEST_CASE("value: empty encodes as nil and equals nil", "[value]") {
  Value v;
  CHECK(v.empty());
  CHECK(v.encoded() == std::string_view("\xc0", 1));
  CHECK(v == Value::nil());
  CHECK_FALSE(Value::nil().empty());
  CHECK(Value::nil().bytes() == std::string(1, '\xc0'));
}

TEST_CASE("value: string matches msgpack-cxx", "[value]") {
  for (std::size_t n : {0u, 5u, 31u, 32u, 255u, 256u, 65536u}) {
    const std::string s(n, 'q');
    CHECK(Value::string(s) == pack_value(s));
    CHECK(unpack_value<std::string>(Value::string(s)).value() == s);
  }
}

TEST_CASE("value: pack/unpack round trip", "[value]") {
  const std::map<std::string, std::vector<double>> m = {{"a", {1.0, 2.5}}, {"b", {}}};
  auto back = unpack_value<std::remove_cvref_t<decltype(m)>>(pack_value(m));
  REQUIRE(back.ok());
  CHECK(*back == m);
  CHECK(unpack_value<int>(pack_value(-5)).value() == -5);
  CHECK(unpack_value<bool>(pack_value(true)).value());
}

TEST_CASE("value: conversion errors are values", "[value]") {
  auto wrong = unpack_value<int>(Value::string("x"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code() == ErrorCode::kInvalid);
  auto truncated = unpack_value<std::string>(Value::from_encoded("\xa5" "ab"));
  CHECK_FALSE(truncated.ok());
  CHECK(pack_value(1) != pack_value(2));
}

}  // namespace vsm
