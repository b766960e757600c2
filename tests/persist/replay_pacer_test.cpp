// ReplayPacer with an injected clock: no real sleeping.
#include "vsm/persist/replay_pacer.hpp"

#include <catch2/catch.hpp>

namespace vsm::persist {
namespace {

using namespace std::chrono_literals;

struct FakeClock final : PacerClock {
  std::chrono::steady_clock::time_point t{};
  std::vector<std::chrono::nanoseconds> sleeps;
  std::chrono::steady_clock::time_point now() const override { return t; }
  void sleep_until(std::chrono::steady_clock::time_point until) override {
    sleeps.push_back(until - t);
    t = until;
  }
};

}  // namespace

TEST_CASE("original pacing keeps the recorded gaps", "[persist][pacer]") {
  FakeClock clock;
  ReplayPacer pacer({1.0, 0}, clock);
  for (std::uint64_t wall : {1000u, 1010u, 1010u, 1050u}) pacer.pace(wall);
  REQUIRE(clock.sleeps.size() == 2);
  CHECK(clock.sleeps[0] == 10ms);
  CHECK(clock.sleeps[1] == 40ms);
}

TEST_CASE("speed scales gaps and 0 means as fast as possible", "[persist][pacer]") {
  FakeClock clock;
  ReplayPacer fast({4.0, 0}, clock);
  fast.pace(0);
  fast.pace(100);
  REQUIRE(clock.sleeps.size() == 1);
  CHECK(clock.sleeps[0] == 25ms);

  FakeClock c2;
  ReplayPacer flat({0.0, 0}, c2);
  for (std::uint64_t w = 0; w < 100; w += 10) flat.pace(w);
  CHECK(c2.sleeps.empty());
}

TEST_CASE("time spent emitting counts against the gap; backwards time is due at once",
          "[persist][pacer]") {
  ReplayPacer pacer({1.0, 0});
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  CHECK(pacer.delay_for(1000, t0) == 0ns);
  CHECK(pacer.delay_for(1100, t0 + 30ms) == 70ms);
  CHECK(pacer.delay_for(1050, t0 + 100ms) == 0ns);  // earlier stamp: no wait
  CHECK(pacer.delay_for(1200, t0 + 100ms) == 100ms);
}

TEST_CASE("max_gap_ms caps one wait", "[persist][pacer]") {
  ReplayPacer pacer({1.0, 500});
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  CHECK(pacer.delay_for(0, t0) == 0ns);
  CHECK(pacer.delay_for(3'600'000, t0) == 500ms);
}

}  // namespace vsm::persist
