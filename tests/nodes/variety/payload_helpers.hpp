// Map payloads for the variety tests: build {"k": value, ...} with mixed value types, and
// read one key of a map payload back as a Value.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"
#include "vsm/value.hpp"

namespace vsm::test {

// A msgpack map of already-encoded values.
inline Value map_payload(const std::vector<std::pair<std::string, Value>>& entries) {
  std::string out;
  MsgpackWriter w(out);
  w.map_header(static_cast<std::uint32_t>(entries.size()));
  for (const auto& [k, v] : entries) {
    w.str(k);
    w.raw(v.encoded());
  }
  return Value::from_encoded(std::move(out));
}

// The value of `key` in a map payload; fails the test when absent.
inline Value map_field(const Value& map, std::string_view key) {
  const std::string_view bytes = map.encoded();
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  REQUIRE(n.has_value());
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto k = r.read_str();
    auto v = r.skip_value();
    REQUIRE((k && v));
    if (*k == key) return Value::from_encoded(std::string(*v));
  }
  FAIL("no key " << key);
  return Value::nil();
}

}  // namespace vsm::test
