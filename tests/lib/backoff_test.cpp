// ExponentialBackoff: ceilings, full-jitter bounds, determinism, injected randomness.
#include <catch2/catch.hpp>

#include <limits>

#include "vsm/backoff.hpp"

namespace vsm {

TEST_CASE("backoff: ceilings grow exponentially and saturate", "[backoff]") {
  ExponentialBackoff b({.initial_delay_ms = 100, .max_delay_ms = 5000, .multiplier = 2.0}, 1);
  CHECK(b.ceiling_ms(0) == 100);
  CHECK(b.ceiling_ms(1) == 200);
  CHECK(b.ceiling_ms(5) == 3200);
  CHECK(b.ceiling_ms(6) == 5000);
  CHECK(b.ceiling_ms(10'000) == 5000);  // pow overflows to inf: still the max
  CHECK(b.ceiling_ms(std::numeric_limits<std::uint32_t>::max()) == 5000);
}

TEST_CASE("backoff: full jitter stays within [0, ceiling]", "[backoff]") {
  ExponentialBackoff b({.initial_delay_ms = 10, .max_delay_ms = 1000, .multiplier = 3.0}, 42);
  for (int round = 0; round < 200; ++round) {
    b.reset();
    for (std::uint32_t k = 0; k < 12; ++k) {
      const std::uint64_t ceiling = b.ceiling_ms(k);
      const std::uint64_t d = b.next_delay_ms();
      REQUIRE(d <= ceiling);
      REQUIRE(b.attempts() == k + 1);
    }
  }
}

TEST_CASE("backoff: injected randomness hits both ends", "[backoff]") {
  std::uint64_t next = 0;
  ExponentialBackoff b({.initial_delay_ms = 100, .max_delay_ms = 400, .multiplier = 2.0},
                       [&] { return next; });
  next = 0;
  CHECK(b.next_delay_ms() == 0);
  next = 200;  // 200 % (200 + 1)
  CHECK(b.next_delay_ms() == 200);
  next = 400;
  CHECK(b.next_delay_ms() == 400);
  next = 401;
  CHECK(b.next_delay_ms() == 0);
  b.reset();
  CHECK(b.attempts() == 0);
  next = 100;
  CHECK(b.next_delay_ms() == 100);
}

TEST_CASE("backoff: the same seed gives the same delays; delays are spread", "[backoff]") {
  BackoffConfig cfg{.initial_delay_ms = 1000, .max_delay_ms = 1000, .multiplier = 2.0};
  ExponentialBackoff a(cfg, 7);
  ExponentialBackoff b(cfg, 7);
  ExponentialBackoff c(cfg, 8);
  bool differs = false;
  std::uint64_t sum = 0;
  constexpr int kN = 10'000;
  for (int i = 0; i < kN; ++i) {
    const std::uint64_t x = a.next_delay_ms();
    REQUIRE(x == b.next_delay_ms());
    differs |= x != c.next_delay_ms();
    sum += x;
  }
  CHECK(differs);
  CHECK(sum / kN > 450);  // mean of uniform[0, 1000] is 500
  CHECK(sum / kN < 550);
}

TEST_CASE("backoff: odd configurations are made sane", "[backoff]") {
  ExponentialBackoff b({.initial_delay_ms = 500, .max_delay_ms = 100, .multiplier = 0.5}, 1);
  CHECK(b.config().multiplier == 1.0);
  CHECK(b.ceiling_ms(0) == 100);
  CHECK(b.ceiling_ms(3) == 100);
  ExponentialBackoff zero({.initial_delay_ms = 0, .max_delay_ms = 0, .multiplier = 2.0}, 1);
  CHECK(zero.next_delay_ms() == 0);
}

}  // namespace vsm
