#include <catch2/catch.hpp>

#include "reliable_tracker.hpp"

using vsm::Channel;
using vsm::detail::RepairRequest;
using vsm::detail::ReliableTracker;
using vsm::detail::TrackerOutput;

namespace {
vsm::Event ev(std::uint64_t seq, const char* pub = "p1", Channel ch = Channel::kCommand) {
  vsm::Event e;
  e.seq = seq;
  e.channel = ch;
  e.ts.node = pub;
  e.type = "t";
  return e;
}
std::vector<std::uint64_t> seqs(const TrackerOutput& o) {
  std::vector<std::uint64_t> s;
  for (const auto& e : o.deliver) s.push_back(e.seq);
  return s;
}
}  // namespace

TEST_CASE("in-order events pass straight through", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  for (std::uint64_t s = 5; s <= 8; ++s) t.on_live(ev(s), out);
  CHECK(seqs(out) == std::vector<std::uint64_t>{5, 6, 7, 8});
  CHECK(out.repairs.empty());
}

TEST_CASE("a gap holds later events and requests the missing range", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_live(ev(4), out);
  t.on_live(ev(5), out);
  CHECK(seqs(out) == std::vector<std::uint64_t>{1});
  REQUIRE(out.repairs.size() == 1);
  CHECK(out.repairs[0].from == 2);
  CHECK(out.repairs[0].to == 3);
  auto req = out.repairs[0];
  TrackerOutput fix;
  std::vector<vsm::Event> got{ev(3), ev(2)};
  t.on_repaired(req, std::move(got), 1, fix);
  CHECK(seqs(fix) == std::vector<std::uint64_t>{2, 3, 4, 5});
  CHECK(fix.repairs.empty());
  CHECK(t.buffered() == 0);
}

TEST_CASE("duplicates from live and repair paths are dropped", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_live(ev(1), out);
  t.on_live(ev(3), out);
  t.on_live(ev(3), out);
  std::vector<vsm::Event> got{ev(1), ev(2), ev(3)};
  t.on_repaired(out.repairs.at(0), std::move(got), 1, out);
  CHECK(seqs(out) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(t.duplicates() == 4);
}

TEST_CASE("start_seq replays history first, then live", "[reliable]") {
  ReliableTracker t(1, 100, 3);
  TrackerOutput out;
  t.on_live(ev(10), out);
  CHECK(out.deliver.empty());
  REQUIRE(out.repairs.size() == 1);
  CHECK(out.repairs[0].from == 1);
  CHECK(out.repairs[0].to == 9);
  std::vector<vsm::Event> hist;
  for (std::uint64_t s = 1; s <= 9; ++s) hist.push_back(ev(s));
  TrackerOutput fix;
  t.on_repaired(out.repairs[0], std::move(hist), 1, fix);
  CHECK(fix.deliver.size() == 10);
  CHECK(fix.deliver.back().seq == 10);
}

TEST_CASE("a head announcement reveals tail loss", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_head("p1", Channel::kCommand, 4, out);
  REQUIRE(out.repairs.size() == 1);
  CHECK(out.repairs[0].from == 2);
  CHECK(out.repairs[0].to == 4);
  TrackerOutput none;
  t.on_head("p2", Channel::kCommand, 4, none);  // never seen, live-only: nothing owed
  CHECK(none.repairs.empty());
}

TEST_CASE("unretained ranges and failing publishers become dead letters", "[reliable]") {
  ReliableTracker t(0, 100, 2);
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_live(ev(10), out);
  auto req = out.repairs.at(0);
  TrackerOutput fix;
  std::vector<vsm::Event> partial{ev(6), ev(7), ev(8), ev(9)};
  t.on_repaired(req, std::move(partial), 6, fix);  // 2..5 are gone at the publisher
  REQUIRE(fix.dead.size() == 1);
  CHECK(fix.dead[0].from_seq == 2);
  CHECK(fix.dead[0].to_seq == 5);
  CHECK(seqs(fix) == std::vector<std::uint64_t>{6, 7, 8, 9, 10});

  TrackerOutput out2;
  t.on_live(ev(13), out2);
  auto req2 = out2.repairs.at(0);
  TrackerOutput f1;
  t.on_repair_failed(req2, "timeout", f1);
  REQUIRE(f1.repairs.size() == 1);  // retried
  TrackerOutput f2;
  t.on_repair_failed(f1.repairs[0], "timeout", f2);
  REQUIRE(f2.dead.size() == 1);
  CHECK(f2.dead[0].from_seq == 11);
  CHECK(f2.dead[0].to_seq == 12);
  CHECK(f2.dead[0].reason == "timeout");
  CHECK(seqs(f2) == std::vector<std::uint64_t>{13});
}

TEST_CASE("streams of different publishers and channels are independent", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  t.on_live(ev(1, "a"), out);
  t.on_live(ev(7, "b"), out);
  t.on_live(ev(1, "a", Channel::kAudit), out);
  t.on_live(ev(2, "a"), out);
  CHECK(out.deliver.size() == 4);
  CHECK(out.repairs.empty());
}
