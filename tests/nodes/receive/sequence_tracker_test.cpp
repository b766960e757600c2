// Gap counting for BestEffort subscriptions (receive/sequence_tracker.hpp): tail loss
// from hello heads, and the bound on remembered publishers.
#include <catch2/catch.hpp>

#include <string>

#include "receive/sequence_tracker.hpp"

using vsm::Channel;

TEST_CASE("best-effort tail loss: only heads beyond the last seen seq count", "[reliable]") {
  vsm::detail::SequenceTracker t(16);
  CHECK(t.observe_head("p1", Channel::kCommand, 50) == 0);  // unknown stream: not started
  CHECK(t.observe("p1", Channel::kCommand, 10) == 0);
  CHECK(t.observe("p1", Channel::kCommand, 11) == 0);
  CHECK(t.observe_head("p1", Channel::kCommand, 9) == 0);  // stale head, lags the stream
  CHECK(t.observe("p1", Channel::kCommand, 12) == 0);      // ... and resets nothing
  CHECK(t.observe_head("p1", Channel::kCommand, 15) == 3);  // 13..15 lost at the tail
  CHECK(t.observe("p1", Channel::kCommand, 16) == 0);
}

TEST_CASE("the gap tracker remembers at most its bound of publishers", "[reliable][bounded]") {
  vsm::detail::SequenceTracker t(3);
  for (int i = 0; i < 100'000; ++i) {
    CHECK(t.observe("rogue-" + std::to_string(i), Channel::kCommand, 1) == 0);
  }
  CHECK(t.publishers() == 3);
  CHECK(t.evictions() == 100'000 - 3);
}

TEST_CASE("a busy publisher outlives a flood of one-off names", "[reliable][bounded]") {
  vsm::detail::SequenceTracker t(8);
  std::uint64_t seq = 0;
  for (int i = 0; i < 1'000; ++i) {
    CHECK(t.observe("steady", Channel::kAudit, ++seq) == 0);  // never a false gap
    t.observe("rogue-" + std::to_string(i), Channel::kAudit, 7);
  }
  CHECK(t.observe("steady", Channel::kAudit, seq + 3) == 2);  // still tracked: a real gap
}

TEST_CASE("a forgotten publisher starts afresh: no gap is invented", "[reliable][bounded]") {
  vsm::detail::SequenceTracker t(1);
  CHECK(t.observe("a", Channel::kCommand, 5) == 0);
  CHECK(t.observe("b", Channel::kCommand, 1) == 0);  // evicts "a"
  CHECK(t.observe_head("a", Channel::kCommand, 50) == 0);  // unknown again: not counted
  CHECK(t.observe("a", Channel::kCommand, 60) == 0);
  CHECK(t.observe("a", Channel::kCommand, 62) == 1);
}
