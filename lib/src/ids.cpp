#include "vsm/ids.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace vsm {
namespace {

// splitmix64-seeded xoshiro256** per thread: fast and good enough for unique ids.
class IdRng {
 public:
  IdRng() {
    std::random_device rd;
    std::uint64_t seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    for (auto& s : s_) s = splitmix(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

void append_uuid(std::string& out) {
  thread_local IdRng rng;
  std::uint64_t hi = rng.next();
  std::uint64_t lo = rng.next();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  // Two hex digits per byte from a table: 16 lookups instead of 32 shifts.
  static constexpr auto kHexPairs = [] {
    std::array<char, 512> t{};
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      t[2 * i] = kHex[i >> 4];
      t[2 * i + 1] = kHex[i & 0xf];
    }
    return t;
  }();
  char buf[36];
  char* p = buf;
  const auto put = [&](std::uint64_t word, int first_byte, int bytes) {
    for (int b = first_byte; b < first_byte + bytes; ++b) {
      const auto v = static_cast<unsigned>((word >> (56 - 8 * b)) & 0xff);
      *p++ = kHexPairs[2 * v];
      *p++ = kHexPairs[2 * v + 1];
    }
  };
  put(hi, 0, 4);  // 8-4-4-4-12 hex digits
  *p++ = '-';
  put(hi, 4, 2);
  *p++ = '-';
  put(hi, 6, 2);
  *p++ = '-';
  put(lo, 0, 2);
  *p++ = '-';
  put(lo, 2, 6);
  out.append(buf, sizeof(buf));
}

}  // namespace

std::string new_event_id() {
  std::string id;
  id.reserve(kEventIdPrefix.size() + 36);
  id.append(kEventIdPrefix);
  append_uuid(id);
  return id;
}

std::string new_uuid() {
  std::string id;
  append_uuid(id);
  return id;
}

}  // namespace vsm
