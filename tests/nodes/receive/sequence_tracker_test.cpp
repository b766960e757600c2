// Gap counting for BestEffort subscriptions (receive/sequence_tracker.hpp): tail loss
// from hello heads, and the bound on remembered publishers.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

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

TEST_CASE("missing seqs are remembered until they arrive or are claimed", "[reliable][reconcile]") {
  vsm::detail::SequenceTracker t(4);
  CHECK(t.observe("p", Channel::kAudit, 1) == 0);
  CHECK(t.observe("p", Channel::kAudit, 5) == 3);  // 2..4 missing
  CHECK(t.observe("p", Channel::kAudit, 3) == 0);  // a late arrival: no reset, no count
  CHECK(t.observe("p", Channel::kAudit, 6) == 0);  // the stream goes on from 5
  std::vector<vsm::detail::SeqRange> out;
  CHECK(t.missing_in("p", Channel::kAudit, {2, 8}, out) == 2);  // 7..8 beyond the last seen
  CHECK(out == std::vector<vsm::detail::SeqRange>{{2, 2}, {4, 4}, {7, 8}});
  CHECK(t.claim("p", Channel::kAudit, 4));
  CHECK_FALSE(t.claim("p", Channel::kAudit, 4));  // once
  CHECK_FALSE(t.claim("p", Channel::kAudit, 6));  // it arrived
  CHECK(t.observe("p", Channel::kAudit, 7) == 0);  // live after all
  CHECK_FALSE(t.claim("p", Channel::kAudit, 7));
  CHECK(t.claim("p", Channel::kAudit, 8));
  CHECK(t.observe("p", Channel::kAudit, 1) == 0);  // a restart clears what was missing
  CHECK_FALSE(t.claim("p", Channel::kAudit, 2));
}

TEST_CASE("missing ranges per stream are bounded", "[reliable][reconcile][bounded]") {
  vsm::detail::SequenceTracker t(1);
  std::uint64_t seq = 1;
  CHECK(t.observe("p", Channel::kAudit, seq) == 0);
  for (int i = 0; i < 1'000; ++i) {
    seq += 2;
    CHECK(t.observe("p", Channel::kAudit, seq) == 1);
  }
  std::vector<vsm::detail::SeqRange> out;
  t.missing_in("p", Channel::kAudit, {1, seq}, out);
  CHECK(out.size() == vsm::detail::SequenceTracker::kMaxGaps);
  CHECK(out.back() == vsm::detail::SeqRange{seq - 1, seq - 1});  // the newest kept
}
