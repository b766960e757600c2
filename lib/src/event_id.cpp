#include "vsm/event_id.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <random>

namespace vsm {
namespace {

// Bumped in every forked child, so a child never repeats its parent's ids (the
// thread-local generator state is copied by fork()).
std::atomic<std::uint32_t> g_fork_generation{0};
bool register_fork_hook() noexcept {
  return ::pthread_atfork(nullptr, nullptr,
                          [] { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }) == 0;
}

// xoshiro256** seeded through splitmix64 from std::random_device: fast, and 128 random
// bits per id keep collisions out of reach.
class IdRng {
 public:
  std::uint64_t next() noexcept {
    const std::uint32_t gen = g_fork_generation.load(std::memory_order_relaxed);
    if (!seeded_ || gen != generation_) seed(gen);
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
  void seed(std::uint32_t gen) noexcept {
    [[maybe_unused]] static const bool hooked = register_fork_hook();
    std::uint64_t x = 0;
    try {
      std::random_device rd;
      x = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    } catch (...) {  // no entropy source: still distinct per thread and time
      x = reinterpret_cast<std::uintptr_t>(this) ^
          static_cast<std::uint64_t>(
              std::chrono::high_resolution_clock::now().time_since_epoch().count());
    }
    for (auto& s : s_) s = splitmix(x);
    generation_ = gen;
    seeded_ = true;
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4] = {};
  std::uint32_t generation_ = 0;
  bool seeded_ = false;
};

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_dash_position(std::size_t i) noexcept { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

EventId EventId::generate() noexcept {
  thread_local IdRng rng;
  std::uint64_t hi = rng.next();
  std::uint64_t lo = rng.next();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  EventId id;
  for (int i = 0; i < 8; ++i) {  // big-endian, so the text reads in byte order
    id.bytes_[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    id.bytes_[8 + i] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  return id;
}

std::optional<EventId> EventId::from_bytes(std::string_view bytes) noexcept {
  if (bytes.size() != kSize) return std::nullopt;
  EventId id;
  std::memcpy(id.bytes_.data(), bytes.data(), kSize);
  return id;
}

Result<EventId> EventId::parse(std::string_view text) {
  std::string_view u = text;
  if (u.substr(0, kEventIdPrefix.size()) == kEventIdPrefix) u.remove_prefix(kEventIdPrefix.size());
  if (u.size() != 36) {
    return Error::invalid("event id '" + std::string(text.substr(0, 64)) +
                          "' is not evt_<8-4-4-4-12 hex uuid>");
  }
  EventId id;
  std::size_t b = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (is_dash_position(i)) {
      if (u[i] != '-') return Error::invalid("event id '" + std::string(text) + "': '-' expected");
      continue;
    }
    const int hi = hex_value(u[i]);
    const int lo = hex_value(u[++i]);
    if (hi < 0 || lo < 0) {
      return Error::invalid("event id '" + std::string(text) + "' has a non-hex digit");
    }
    id.bytes_[b++] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return id;
}

void EventId::append_to(std::string& out) const {
  out.append(kEventIdPrefix);
  char buf[36];
  std::size_t p = 0;
  for (std::size_t i = 0; i < kSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) buf[p++] = '-';
    buf[p++] = kHex[bytes_[i] >> 4];
    buf[p++] = kHex[bytes_[i] & 0xf];
  }
  out.append(buf, sizeof(buf));
}

std::string EventId::to_string() const {
  std::string s;
  s.reserve(kTextSize);
  append_to(s);
  return s;
}

std::string EventId::uuid_string() const { return to_string().substr(kEventIdPrefix.size()); }

}  // namespace vsm
