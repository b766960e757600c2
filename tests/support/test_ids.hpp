// Deterministic event ids for tests: the same number or tag always gives the same
// EventId (so expectations can name ids), distinct inputs distinct ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/event_id.hpp"

namespace vsm::test {

inline EventId id_for(std::uint64_t n) {
  std::string bytes(EventId::kSize, '\0');
  bytes[6] = 0x40;                 // UUID version 4
  bytes[8] = static_cast<char>(0x80);  // RFC 4122 variant
  for (int i = 0; i < 7; ++i) bytes[15 - i] = static_cast<char>((n >> (8 * i)) & 0xff);
  bytes[9] = static_cast<char>((n >> 56) & 0xff);
  return *EventId::from_bytes(bytes);
}

// FNV-1a of the tag, spread over the id (tags: "a", "b", ... in chain tests).
inline EventId id_for(std::string_view tag) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : tag) h = (h ^ c) * 1099511628211ull;
  return id_for(h);
}

}  // namespace vsm::test
