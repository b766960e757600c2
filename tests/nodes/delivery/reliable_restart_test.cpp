// ReliableTracker across publisher restarts (docs/PROTOCOL.md §1.6 "base") and under a
// flood of publisher names (bounded streams).
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "delivery/reliable_tracker.hpp"

using vsm::Channel;
using vsm::detail::HelloHead;
using vsm::detail::ReliableTracker;
using vsm::detail::TrackerOutput;

namespace {
vsm::Event ev(std::uint64_t seq, const std::string& pub = "p1") {
  vsm::Event e;
  e.seq = seq;
  e.channel = Channel::kCommand;
  e.ts.node = pub;
  e.type = "t";
  return e;
}
HelloHead head(std::uint64_t last, bool new_instance, std::optional<std::uint64_t> base) {
  HelloHead h;
  h.last = last;
  h.new_instance = new_instance;
  h.base = base;
  return h;
}
std::vector<std::uint64_t> seqs(const TrackerOutput& o) {
  std::vector<std::uint64_t> s;
  for (const auto& e : o.deliver) s.push_back(e.seq);
  return s;
}
// Delivers 1..n of "p1" live, after a first hello that announces "base" 0.
void deliver_up_to(ReliableTracker& t, std::uint64_t n) {
  TrackerOutput out;
  t.on_head("p1", Channel::kCommand, head(0, false, 0), out);
  for (std::uint64_t s = 1; s <= n; ++s) t.on_live(ev(s), out);
  REQUIRE(out.deliver.size() == n);
}
}  // namespace

TEST_CASE("a continuing instance is the same stream: no history, only what it never sent",
          "[reliable][restart]") {
  for (std::uint64_t start : {0u, 1u}) {
    ReliableTracker t(start, 100, 3);
    deliver_up_to(t, 100);
    // Killed after logging up to 104 (sent up to 100); the new instance continues after 104.
    TrackerOutput hello;
    t.on_head("p1", Channel::kCommand, head(104, /*new_instance=*/true, 104), hello);
    CHECK(hello.deliver.empty());
    REQUIRE(hello.repairs.size() == 1);  // 101..104 from its log, nothing before
    CHECK(hello.repairs[0].from == 101);
    CHECK(hello.repairs[0].to == 104);
    TrackerOutput live;
    t.on_live(ev(105), live);
    CHECK(live.deliver.empty());  // held behind the gap
    TrackerOutput fix;
    t.on_repaired(hello.repairs[0], {ev(101), ev(102), ev(103), ev(104)}, 1, fix);
    CHECK(seqs(fix) == std::vector<std::uint64_t>{101, 102, 103, 104, 105});
    CHECK(t.duplicates() == 0);
  }
}

TEST_CASE("a continuing instance's first events may arrive before its hello",
          "[reliable][restart]") {
  ReliableTracker t(0, 100, 3);
  deliver_up_to(t, 50);
  TrackerOutput out;
  t.on_live(ev(51), out);  // the new instance continues at 51: no restart, no repair
  t.on_head("p1", Channel::kCommand, head(51, true, 50), out);
  t.on_live(ev(52), out);
  CHECK(seqs(out) == std::vector<std::uint64_t>{51, 52});
  CHECK(out.repairs.empty());
}

TEST_CASE("an instance numbering from 1 is a new stream, delivered from seq 1",
          "[reliable][restart]") {
  ReliableTracker t(0, 100, 3);
  deliver_up_to(t, 500);
  // Its seq 1..3 arrive first: with a hello that announces "base", seq 1 alone is not
  // taken as a restart (it could be a late event), so they wait for the hello...
  TrackerOutput early;
  for (std::uint64_t s = 1; s <= 3; ++s) t.on_live(ev(s), early);
  CHECK(early.deliver.empty());
  // ...which says base 0: the stream starts over and 1..3 are fetched again.
  TrackerOutput hello;
  t.on_head("p1", Channel::kCommand, head(3, true, 0), hello);
  REQUIRE(hello.repairs.size() == 1);
  CHECK(hello.repairs[0].from == 1);
  CHECK(hello.repairs[0].to == 3);
  TrackerOutput fix;
  t.on_repaired(hello.repairs[0], {ev(1), ev(2), ev(3)}, 1, fix);
  CHECK(seqs(fix) == std::vector<std::uint64_t>{1, 2, 3});
  // Later hellos of the same instance change nothing.
  TrackerOutput again;
  t.on_head("p1", Channel::kCommand, head(3, false, 0), again);
  t.on_live(ev(4), again);
  CHECK(seqs(again) == std::vector<std::uint64_t>{4});
  CHECK(again.repairs.empty());
}

TEST_CASE("a continuation below what was delivered goes on from base + 1",
          "[reliable][restart]") {
  ReliableTracker t(0, 100, 3);
  deliver_up_to(t, 80);
  // Its log lost 71..80 (an OS crash): those numbers now name new events.
  TrackerOutput out;
  t.on_head("p1", Channel::kCommand, head(70, true, 70), out);
  CHECK(out.repairs.empty());
  t.on_live(ev(71), out);
  t.on_live(ev(72), out);
  CHECK(seqs(out) == std::vector<std::uint64_t>{71, 72});
  CHECK(t.rewinds() == 1);
}

TEST_CASE("a publisher that does not announce base: a head behind us is a restart",
          "[reliable][restart]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  for (std::uint64_t s = 1; s <= 9; ++s) t.on_live(ev(s), out);
  TrackerOutput hello;
  t.on_head("p1", Channel::kCommand, head(2, true, std::nullopt), hello);
  REQUIRE(hello.repairs.size() == 1);
  CHECK(hello.repairs[0].from == 1);
  CHECK(hello.repairs[0].to == 2);
}

TEST_CASE("streams are kept for a bounded number of publishers", "[reliable][bounded]") {
  ReliableTracker t(0, 100, 3, 0, /*max_publishers=*/16);
  TrackerOutput out;
  for (int i = 0; i < 100'000; ++i) {
    t.on_live(ev(5, "rogue-" + std::to_string(i)), out);
    out.deliver.clear();
  }
  CHECK(t.publishers() == 16);
  CHECK(t.evictions() == 100'000 - 16);
  CHECK(t.take_evictions() == 100'000 - 16);
  CHECK(t.take_evictions() == 0);
  CHECK(out.dead.empty());  // nothing was owed by the forgotten streams
}

TEST_CASE("a forgotten stream's debt is a dead letter; it comes back live, without history",
          "[reliable][bounded]") {
  ReliableTracker t(1, 100, 3, 0, /*max_publishers=*/1);
  TrackerOutput out;
  t.on_live(ev(10, "a"), out);  // from seq 1: holds 10, asks for 1..9
  REQUIRE(out.repairs.size() == 1);
  const auto stale = out.repairs[0];
  CHECK(t.buffered() == 1);
  TrackerOutput flood;
  t.on_live(ev(3, "b"), flood);  // forgets "a"
  REQUIRE(flood.dead.size() == 1);
  CHECK(flood.dead[0].publisher == "a");
  CHECK(flood.dead[0].from_seq == 1);
  CHECK(flood.dead[0].to_seq == 10);
  CHECK(t.buffered() == 0);
  TrackerOutput late;  // the answer for the forgotten stream is dropped
  t.on_repaired(stale, {ev(1, "a")}, 1, late);
  CHECK(late.deliver.empty());
  TrackerOutput back;
  t.on_live(ev(11, "a"), back);  // starts at its first live event, not at seq 1
  CHECK(seqs(back) == std::vector<std::uint64_t>{11});
  CHECK(back.repairs.empty());
}
