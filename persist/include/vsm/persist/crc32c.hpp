// CRC32C (Castagnoli), as used by the log format. Uses the SSE4.2 crc32 instruction
// when the CPU has it (checked once at runtime), else a slicing-by-8 table.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::persist::crc32c {

// CRC32C of data[0, n) appended to a running crc (`init` = crc of the earlier bytes).
std::uint32_t extend(std::uint32_t init, const char* data, std::size_t n) noexcept;

inline std::uint32_t value(const char* data, std::size_t n) noexcept { return extend(0, data, n); }
inline std::uint32_t value(std::string_view s) noexcept { return extend(0, s.data(), s.size()); }

// Stored CRCs are masked (leveldb): the CRC of a string that itself contains CRCs
// is otherwise weak, and an all-zero region would carry a valid crc of 0.
inline constexpr std::uint32_t kMaskDelta = 0xa282ead8u;
inline constexpr std::uint32_t mask(std::uint32_t crc) noexcept {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline constexpr std::uint32_t unmask(std::uint32_t masked) noexcept {
  const std::uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// True when the hardware path is in use (for benchmarks and diagnostics).
bool hardware_accelerated() noexcept;

}  // namespace vsm::persist::crc32c
