// Writes msgpack through a raw cursor into memory the caller sized in advance: the
// frame encoder's hot path, without std::string's capacity check and out-of-line
// append per field. Same (smallest) encodings as MsgpackWriter, which stays the
// reference (tests/lib compares the event map with one built by MsgpackWriter).
// REQUIRES: the memory ahead of the cursor holds everything written.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vsm::detail {

class MsgpackCursor {
 public:
  explicit MsgpackCursor(char* at) noexcept : p_(at) {}
  char* pos() const noexcept { return p_; }

  // Upper bounds of what one call writes besides the bytes it copies.
  static constexpr std::size_t kMaxHeader = 9;

  void map_header(std::uint32_t n) noexcept { header(n, 0x80, 0xde, 0xdf); }
  void array_header(std::uint32_t n) noexcept { header(n, 0x90, 0xdc, 0xdd); }
  void str(std::string_view s) noexcept {
    const std::size_t n = s.size();
    if (n < 32) {
      byte(0xa0 | static_cast<std::uint8_t>(n));
    } else if (n <= 0xff) {
      byte(0xd9);
      be(n, 1);
    } else if (n <= 0xffff) {
      byte(0xda);
      be(n, 2);
    } else {
      byte(0xdb);
      be(n, 4);
    }
    raw(s);
  }
  void bin(std::string_view b) noexcept {
    const std::size_t n = b.size();
    if (n <= 0xff) {
      byte(0xc4);
      be(n, 1);
    } else if (n <= 0xffff) {
      byte(0xc5);
      be(n, 2);
    } else {
      byte(0xc6);
      be(n, 4);
    }
    raw(b);
  }
  void uint(std::uint64_t v) noexcept {
    if (v < 128) {
      byte(static_cast<std::uint8_t>(v));
    } else if (v <= 0xff) {
      byte(0xcc);
      be(v, 1);
    } else if (v <= 0xffff) {
      byte(0xcd);
      be(v, 2);
    } else if (v <= 0xffffffffULL) {
      byte(0xce);
      be(v, 4);
    } else {
      byte(0xcf);
      be(v, 8);
    }
  }
  // Fixed-width uints (not the smallest form) for values patched in later; return the
  // address of the value bytes.
  char* uint64_fixed(std::uint64_t v) noexcept { return fixed(0xcf, v, 8); }
  char* uint32_fixed(std::uint32_t v) noexcept { return fixed(0xce, v, 4); }
  // Already-encoded msgpack (or string bytes) verbatim.
  void raw(std::string_view bytes) noexcept {
    if (!bytes.empty()) std::memcpy(p_, bytes.data(), bytes.size());
    p_ += bytes.size();
  }

  // Big-endian stores of the fixed-width values a publisher patches in.
  static void put_be64(char* at, std::uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    std::memcpy(at, &v, 8);
  }
  static void put_be32(char* at, std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
    std::memcpy(at, &v, 4);
  }

  // Big-endian store of the low `bytes` bytes of v at `at`.
  static void put_be(char* at, std::uint64_t v, int bytes) noexcept {
    for (int i = bytes - 1; i >= 0; --i) {
      at[i] = static_cast<char>(v & 0xff);
      v >>= 8;
    }
  }

 private:
  void byte(std::uint8_t b) noexcept { *p_++ = static_cast<char>(b); }
  void be(std::uint64_t v, int bytes) noexcept {
    put_be(p_, v, bytes);
    p_ += bytes;
  }
  void header(std::uint32_t n, std::uint8_t fix, std::uint8_t b16, std::uint8_t b32) noexcept {
    if (n < 16) {
      byte(fix | static_cast<std::uint8_t>(n));
    } else if (n <= 0xffff) {
      byte(b16);
      be(n, 2);
    } else {
      byte(b32);
      be(n, 4);
    }
  }
  char* fixed(std::uint8_t tag, std::uint64_t v, int bytes) noexcept {
    byte(tag);
    char* at = p_;
    be(v, bytes);
    return at;
  }

  char* p_;
};

}  // namespace vsm::detail
