// Hybrid logical clock under a fake wall clock that jumps, and under concurrency.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "vsm/hlc.hpp"

namespace vsm {
namespace {

class FakeWallClock final : public WallClock {
 public:
  explicit FakeWallClock(std::uint64_t start_ms) : now_ms_(start_ms) {}
  std::uint64_t now_ms() const override { return now_ms_.load(); }
  void set(std::uint64_t ms) { now_ms_.store(ms); }
  void advance(std::uint64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<std::uint64_t> now_ms_;
};

constexpr std::uint64_t kT0 = 1'700'000'000'000;

}  // namespace

TEST_CASE("hlc: a steady clock counts logically, a moving clock resets logical", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  auto t1 = clock.now();
  CHECK(t1 == HlcTimestamp{kT0, 0, "a"});
  auto t2 = clock.now();
  CHECK(t2 == HlcTimestamp{kT0, 1, "a"});
  wall.advance(5);
  auto t3 = clock.now();
  CHECK(t3 == HlcTimestamp{kT0 + 5, 0, "a"});
  CHECK(t1 < t2);
  CHECK(t2 < t3);
  CHECK(clock.node() == "a");
}

TEST_CASE("hlc: tick() is now() without the node name, on the same counter", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  const HlcTick t1 = clock.tick();
  CHECK(t1.wall_ms == kT0);
  CHECK(t1.logical == 0);
  CHECK(clock.now() == HlcTimestamp{kT0, 1, "a"});
  const HlcTick t3 = clock.tick();
  CHECK(t3.wall_ms == kT0);
  CHECK(t3.logical == 2);
  wall.set(kT0 - 10);  // backwards: still after the last one
  const HlcTick t4 = clock.tick();
  CHECK(t4.wall_ms == kT0);
  CHECK(t4.logical == 3);
}

TEST_CASE("hlc: monotonic when the wall clock jumps backwards and forwards", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  HlcTimestamp prev = clock.now();
  const std::int64_t jumps[] = {0, -1000, -1, 0, 1, 2000, -5000, -5000, 10'000, 0, -3, 1};
  for (std::int64_t j : jumps) {
    wall.set(static_cast<std::uint64_t>(static_cast<std::int64_t>(wall.now_ms()) + j));
    for (int i = 0; i < 100; ++i) {
      auto t = clock.now();
      REQUIRE(prev < t);
      // wall_ms never falls below the real clock and never runs ahead of the max seen.
      CHECK(t.wall_ms >= wall.now_ms());
      prev = t;
    }
  }
  // After a backwards jump wall_ms holds at the previous maximum.
  wall.set(kT0 + 100'000);
  auto high = clock.now();
  wall.set(kT0);
  auto held = clock.now();
  CHECK(held.wall_ms == high.wall_ms);
  CHECK(held.logical == high.logical + 1);
}

TEST_CASE("hlc: logical overflow carries into wall_ms and stays monotonic", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  HlcTimestamp prev = clock.now();
  for (int i = 0; i < 70'000; ++i) {
    auto t = clock.now();
    REQUIRE(prev < t);
    prev = t;
  }
  CHECK(prev.wall_ms == kT0 + 1);
  CHECK(prev.logical < 65536u);
}

TEST_CASE("hlc: observe adopts a remote clock that is ahead", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall, 60'000);
  clock.now();
  HlcTimestamp remote{kT0 + 10'000, 7, "b"};
  auto t = clock.observe(remote);
  CHECK(t.wall_ms == remote.wall_ms);
  CHECK(t.logical == 8);
  CHECK(t.node == "a");
  CHECK(remote < t);
  CHECK(clock.rejected_remote() == 0);
  auto next = clock.now();  // local wall is still behind: keep counting from the remote
  CHECK(t < next);
  CHECK(next.wall_ms == remote.wall_ms);
}

TEST_CASE("hlc: observe of a remote clock that is behind keeps the local time", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  auto local = clock.now();
  auto t = clock.observe(HlcTimestamp{kT0 - 5000, 3, "b"});
  CHECK(local < t);
  CHECK(t.wall_ms == kT0);
  // Same wall_ms, higher remote logical: the result passes the remote.
  HlcTimestamp same{kT0, 500, "z"};
  auto t2 = clock.observe(same);
  CHECK(t2.wall_ms == kT0);
  CHECK(t2.logical == 501);
  // Wall clock moved on: observe returns the fresh wall time.
  wall.advance(10);
  auto t3 = clock.observe(HlcTimestamp{kT0, 900, "z"});
  CHECK(t3 == HlcTimestamp{kT0 + 10, 0, "a"});
}

TEST_CASE("hlc: remote timestamps beyond max drift are not adopted", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall, 1000);
  auto t = clock.observe(HlcTimestamp{kT0 + 1001, 0, "evil"});
  CHECK(clock.rejected_remote() == 1);
  CHECK(t.wall_ms == kT0);
  auto at_limit = clock.observe(HlcTimestamp{kT0 + 1000, 0, "ok"});
  CHECK(clock.rejected_remote() == 1);
  CHECK(at_limit.wall_ms == kT0 + 1000);
  clock.observe(HlcTimestamp{std::numeric_limits<std::uint64_t>::max(), 0, "evil"});
  CHECK(clock.rejected_remote() == 2);
  CHECK(clock.now().wall_ms == kT0 + 1000);
}

TEST_CASE("hlc: a remote logical counter above 16 bits still yields a later timestamp",
          "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  HlcTimestamp remote{kT0, 1'000'000, "b"};
  auto t = clock.observe(remote);
  CHECK(remote < t);
}

TEST_CASE("hlc: timestamps order by wall, logical, then node", "[hlc]") {
  CHECK(HlcTimestamp{1, 5, "z"} < HlcTimestamp{2, 0, "a"});
  CHECK(HlcTimestamp{1, 0, "z"} < HlcTimestamp{1, 1, "a"});
  CHECK(HlcTimestamp{1, 1, "a"} < HlcTimestamp{1, 1, "b"});
  CHECK(HlcTimestamp{1, 1, "a"} == HlcTimestamp{1, 1, "a"});
  CHECK(HlcTimestamp{1700, 3, "n1"}.to_string() == "1700.3@n1");
}

TEST_CASE("hlc: concurrent now() is unique and increasing per thread", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20'000;
  std::vector<std::vector<HlcTimestamp>> seen(kThreads);
  std::atomic<bool> done{false};
  std::thread jumper([&] {
    std::uint64_t i = 0;
    while (!done.load()) {
      wall.set(kT0 + (i++ % 7) * 3);  // forwards and backwards
      std::this_thread::yield();
    }
  });
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        seen[t].reserve(kPerThread);
        for (int i = 0; i < kPerThread; ++i) seen[t].push_back(t % 2 ? clock.now()
                                                              : clock.observe({kT0, 0, "r"}));
      });
    }
    for (auto& th : threads) th.join();
  }
  done = true;
  jumper.join();
  std::set<std::pair<std::uint64_t, std::uint32_t>> all;
  for (const auto& v : seen) {
    for (std::size_t i = 1; i < v.size(); ++i) REQUIRE(v[i - 1] < v[i]);
    for (const auto& ts : v) all.emplace(ts.wall_ms, ts.logical);
  }
  CHECK(all.size() == std::size_t{kThreads} * kPerThread);
}

TEST_CASE("hlc: system wall clock is close to std::chrono", "[hlc]") {
  using namespace std::chrono;
  auto expected =
      static_cast<std::uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  auto got = system_wall_clock().now_ms();
  CHECK(got + 1000 >= expected);
  CHECK(got <= expected + 1000);
  HybridClock clock("n");
  CHECK(clock.now().wall_ms + 1000 >= expected);
}

TEST_CASE("hlc: merge adopts a remote clock that is ahead and skips one behind", "[hlc]") {
  FakeWallClock wall(kT0);
  HybridClock clock("a", wall);
  clock.merge(HlcTimestamp{kT0 + 500, 7, "b"});
  auto t = clock.now();
  CHECK(t.wall_ms == kT0 + 500);
  CHECK(t.logical == 9);  // merge took 8, now() 9
  clock.merge(HlcTimestamp{kT0 - 10, 0, "b"});  // behind: no change
  CHECK(clock.now().logical == 10);
}

}  // namespace vsm
