// Event ids: 16 random bytes (a version 4 UUID), carried on the wire as msgpack bin 16.
// A plain value: trivially copyable, ordered, hashable (std::hash). Text form only for
// display, JSON and logs: "evt_<8-4-4-4-12 lower-case hex>".
// Thread-safety: generate() uses a thread-local generator; everything else is pure.
//
//   EventId id = EventId::generate();
//   std::string text = id.to_string();            // "evt_3f2b8c1e-9a4d-4c55-8e0f-..."
//   Result<EventId> back = EventId::parse(text);  // == id
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm {

inline constexpr std::string_view kEventIdPrefix = "evt_";

class EventId {
 public:
  static constexpr std::size_t kSize = 16;
  static constexpr std::size_t kTextSize = 4 + 36;  // "evt_" + canonical UUID

  constexpr EventId() = default;  // the nil id (all zero): "not assigned yet"

  // A random version 4 UUID from a per-thread xoshiro256** generator seeded from the OS
  // (reseeded in a forked child). No system call, allocation or formatting per id.
  static EventId generate() noexcept;
  // The id whose bytes are exactly `bytes`; an empty optional unless it has 16 bytes.
  static std::optional<EventId> from_bytes(std::string_view bytes) noexcept;
  // Accepts "evt_<uuid>" and a bare "<uuid>", in either hex case; the UUID's version and
  // variant are not checked (ids from other systems are accepted as they are).
  static Result<EventId> parse(std::string_view text);

  bool is_nil() const noexcept { return (word(0) | word(1)) == 0; }
  // The 16 bytes as they go on the wire.
  std::string_view bytes() const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()), kSize};
  }
  const std::array<std::uint8_t, kSize>& data() const noexcept { return bytes_; }

  std::string to_string() const;           // "evt_" + uuid
  std::string uuid_string() const;         // the bare uuid (36 characters)
  void append_to(std::string& out) const;  // to_string() without a new string

  // Byte order (the order of the text form). Equality compares two words, not bytes:
  // dedup and replay compare ids per event.
  friend std::strong_ordering operator<=>(const EventId& a, const EventId& b) noexcept {
    return std::memcmp(a.bytes_.data(), b.bytes_.data(), kSize) <=> 0;
  }
  friend bool operator==(const EventId& a, const EventId& b) noexcept {
    return ((a.word(0) ^ b.word(0)) | (a.word(1) ^ b.word(1))) == 0;
  }

 private:
  std::uint64_t word(int i) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * i, 8);
    return w;
  }
  std::array<std::uint8_t, kSize> bytes_{};
};

static_assert(sizeof(EventId) == EventId::kSize);

}  // namespace vsm

template <>
struct std::hash<vsm::EventId> {
  // The bytes are random: folding the two halves is a good hash.
  std::size_t operator()(const vsm::EventId& id) const noexcept {
    std::uint64_t lo, hi;
    std::memcpy(&lo, id.data().data(), 8);
    std::memcpy(&hi, id.data().data() + 8, 8);
    return static_cast<std::size_t>(lo ^ (hi * 0x9e3779b97f4a7c15ULL));
  }
};
