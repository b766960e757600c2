// Little-endian fixed-width integer coding for the log format (internal).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace vsm::persist::detail {

inline void encode_fixed(char* dst, std::uint64_t v, int bytes) noexcept {
  for (int i = 0; i < bytes; ++i) dst[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void put_fixed(std::string& out, std::uint64_t v, int bytes) {
  char buf[8];
  encode_fixed(buf, v, bytes);
  out.append(buf, static_cast<std::size_t>(bytes));
}
inline std::uint64_t decode_fixed(const char* src, int bytes) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(src[i])} << (8 * i);
  return v;
}
inline std::uint32_t decode_u32(const char* src) noexcept {
  return static_cast<std::uint32_t>(decode_fixed(src, 4));
}
inline std::uint64_t decode_u64(const char* src) noexcept { return decode_fixed(src, 8); }

}  // namespace vsm::persist::detail
