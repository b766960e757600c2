#include <catch2/catch.hpp>

#include <optional>

#include "delivery/reliable_tracker.hpp"

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
vsm::detail::HelloHead head_of(std::uint64_t last, bool new_instance = false,
                               std::optional<std::uint64_t> base = std::nullopt) {
  vsm::detail::HelloHead h;
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
  t.on_head("p1", Channel::kCommand, head_of(4), out);
  REQUIRE(out.repairs.size() == 1);
  CHECK(out.repairs[0].from == 2);
  CHECK(out.repairs[0].to == 4);
  TrackerOutput none;
  t.on_head("p2", Channel::kCommand, head_of(4), none);  // never seen, live-only: nothing owed
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

TEST_CASE("a refused event pauses its stream; resume delivers held events in order",
          "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  for (std::uint64_t s = 1; s <= 5; ++s) t.on_live(ev(s), out);
  REQUIRE(seqs(out) == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  // The queue took 1..3 only.
  t.on_refused(std::move(out.deliver[3]));
  t.on_refused(std::move(out.deliver[4]));
  CHECK(t.paused());
  TrackerOutput live;
  t.on_live(ev(6), live);  // held while paused, no repair asked
  CHECK(live.deliver.empty());
  CHECK(live.repairs.empty());
  TrackerOutput resumed;
  t.resume(resumed);
  CHECK_FALSE(t.paused());
  CHECK(seqs(resumed) == std::vector<std::uint64_t>{4, 5, 6});
  CHECK(resumed.repairs.empty());
}

TEST_CASE("events dropped while paused are fetched again after resume", "[reliable]") {
  ReliableTracker t(0, 2, 3);  // holds at most 2 events
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_refused(std::move(out.deliver[0]));
  TrackerOutput live;
  for (std::uint64_t s = 2; s <= 6; ++s) t.on_live(ev(s), live);  // 3..6 do not fit
  TrackerOutput resumed;
  t.resume(resumed);
  CHECK(seqs(resumed) == std::vector<std::uint64_t>{1, 2});
  REQUIRE(resumed.repairs.size() == 1);
  CHECK(resumed.repairs[0].from == 3);
  CHECK(resumed.repairs[0].to == 6);
}

TEST_CASE("a publisher that starts over at seq 1 restarts its stream", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  for (std::uint64_t s = 1; s <= 4; ++s) t.on_live(ev(s), out);
  const auto stale = [&] {
    TrackerOutput o;
    t.on_live(ev(7), o);
    return o.repairs.at(0);
  }();
  TrackerOutput again;
  t.on_live(ev(1), again);
  t.on_live(ev(2), again);
  CHECK(seqs(again) == std::vector<std::uint64_t>{1, 2});
  TrackerOutput late;  // the answer for the old stream is ignored
  std::vector<vsm::Event> old{ev(5), ev(6)};
  t.on_repaired(stale, std::move(old), 1, late);
  CHECK(late.deliver.empty());
  TrackerOutput head;  // a head below what was delivered also means a restart
  t.on_head("p1", Channel::kCommand, head_of(0, /*new_instance=*/true), head);
  t.on_live(ev(1), head);
  CHECK(seqs(head) == std::vector<std::uint64_t>{1});
}

TEST_CASE("a repair answer without progress counts as a failed attempt", "[reliable]") {
  ReliableTracker t(0, 100, 2);
  TrackerOutput out;
  t.on_live(ev(1), out);
  t.on_live(ev(5), out);
  auto req = out.repairs.at(0);
  TrackerOutput a;
  t.on_repaired(req, {}, 1, a);  // retains from 1 but returned nothing
  REQUIRE(a.repairs.size() == 1);
  CHECK(a.repairs[0].attempt == 1);
  TrackerOutput b;
  t.on_repaired(a.repairs[0], {}, 1, b);
  REQUIRE(b.dead.size() == 1);
  CHECK(seqs(b) == std::vector<std::uint64_t>{5});
}

TEST_CASE("a start time is resolved to a seq before anything is delivered", "[reliable]") {
  ReliableTracker t(0, 100, 3, /*start_time_ms=*/1'000);
  TrackerOutput out;
  t.on_head("p1", Channel::kCommand, head_of(20), out);
  REQUIRE(out.repairs.size() == 1);
  const auto resolve = out.repairs[0];
  CHECK(resolve.start_time_ms == 1'000);
  TrackerOutput live;
  t.on_live(ev(21), live);  // held until resolved
  CHECK(live.deliver.empty());
  CHECK(live.repairs.empty());
  TrackerOutput res;
  t.on_resolved(resolve, 15, res);
  REQUIRE(res.repairs.size() == 1);
  CHECK(res.repairs[0].from == 15);
  CHECK(res.repairs[0].to == 20);
  TrackerOutput fix;
  std::vector<vsm::Event> got{ev(15), ev(16), ev(17), ev(18), ev(19), ev(20)};
  t.on_repaired(res.repairs[0], std::move(got), 1, fix);
  CHECK(seqs(fix) == std::vector<std::uint64_t>{15, 16, 17, 18, 19, 20, 21});
}

TEST_CASE("a start time with nothing that recent starts after the head", "[reliable]") {
  ReliableTracker t(0, 100, 3, 5'000);
  TrackerOutput out;
  t.on_head("p1", Channel::kCommand, head_of(20), out);
  TrackerOutput res;
  t.on_resolved(out.repairs.at(0), 0, res);
  CHECK(res.repairs.empty());
  TrackerOutput live;
  t.on_live(ev(21), live);
  CHECK(seqs(live) == std::vector<std::uint64_t>{21});
}

TEST_CASE("a head that lags the stream is not a restart", "[reliable]") {
  ReliableTracker t(0, 100, 3);
  TrackerOutput out;
  for (std::uint64_t s = 1; s <= 10; ++s) t.on_live(ev(s), out);
  TrackerOutput head;
  t.on_head("p1", Channel::kCommand, head_of(7), head);  // sent before 8..10 arrived
  CHECK(head.repairs.empty());
  t.on_live(ev(11), head);
  CHECK(seqs(head) == std::vector<std::uint64_t>{11});
  CHECK(head.repairs.empty());
  TrackerOutput gap;
  t.on_live(ev(14), gap);
  REQUIRE(gap.repairs.size() == 1);
  CHECK(gap.repairs[0].start_time_ms == 0);  // a range request, not a start-time one
  CHECK(gap.repairs[0].from == 12);
}
