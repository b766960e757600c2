// MemberTable and RecordPool: lookups, state counts and the live list, record sharing
// between tables, reference counts that free records, names and slots.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "vsm/gossip/broadcast_queue.hpp"
#include "vsm/gossip/member_table.hpp"

using namespace vsm::gossip;

namespace {

Member member(const std::string& name, std::uint64_t inc = 0, std::string pub = "tcp://h:1") {
  Member m;
  m.name = name;
  m.incarnation = inc;
  m.endpoints.pub = std::move(pub);
  m.endpoints.gossip = name;
  return m;
}

}  // namespace

TEST_CASE("member table: find, states, live list, erase", "[gossip][table]") {
  MemberTable t(nullptr);
  auto self = t.insert(member("self"));
  t.set_self(self);
  auto a = t.insert(member("a", 3));
  auto b = t.insert(member("b"));
  CHECK(t.size() == 3);
  CHECK(t.find("a") == a);
  CHECK(t.find("zz") == MemberTable::kNoSlot);
  CHECK(t.entry(a).incarnation == 3);
  CHECK(t.member(a).endpoints.pub == "tcp://h:1");
  CHECK(t.live().size() == 2);  // self is never in the live list
  CHECK(t.count(MemberState::kAlive) == 3);
  t.set_state(a, MemberState::kDead, 50);
  CHECK(t.live().size() == 1);
  CHECK(t.live()[0] == b);
  CHECK(t.count(MemberState::kDead) == 1);
  CHECK(t.entry(a).state_change_ms == 50);
  t.set_state(a, MemberState::kSuspect, 60);
  CHECK(t.live().size() == 2);
  CHECK(t.entry(t.live()[t.entry(a).live_pos]).record == t.entry(a).record);
  t.erase(a);
  CHECK(t.find("a") == MemberTable::kNoSlot);
  CHECK(t.size() == 2);
  CHECK(t.live().size() == 1);
  auto c = t.insert(member("c"));
  CHECK(c == a);  // the slot is reused
  CHECK(t.name(c) == "c");
}

TEST_CASE("member table: live positions stay consistent under churn", "[gossip][table]") {
  MemberTable t(nullptr);
  std::mt19937_64 rng(5);
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("m" + std::to_string(i));
  for (const auto& n : names) t.insert(member(n));
  for (int round = 0; round < 2'000; ++round) {
    const auto& n = names[rng() % names.size()];
    auto s = t.find(n);
    switch (rng() % 4) {
      case 0: t.set_state(s, MemberState::kDead, round); break;
      case 1: t.set_state(s, MemberState::kAlive, round); break;
      case 2: t.set_state(s, MemberState::kSuspect, round); break;
      default: t.erase(s); t.insert(member(n, round)); break;
    }
    if (round % 100 == 0) t.shuffle_live(rng);
  }
  std::size_t live = 0;
  t.for_each([&](MemberTable::Slot s) {
    const auto& e = t.entry(s);
    const bool is_live = e.state == MemberState::kAlive || e.state == MemberState::kSuspect;
    live += is_live ? 1 : 0;
    if (is_live) {
      REQUIRE(e.live_pos < t.live().size());
      REQUIRE(t.live()[e.live_pos] == s);
    } else {
      REQUIRE(e.live_pos == MemberTable::kNoSlot);
    }
  });
  CHECK(live == t.live().size());
  CHECK(t.count(MemberState::kAlive) + t.count(MemberState::kSuspect) == live);
}

TEST_CASE("record pool: tables share records, the last release frees them",
          "[gossip][table]") {
  auto pool = std::make_shared<RecordPool>();
  {
    MemberTable t1(pool), t2(pool);
    auto s1 = t1.insert(member("x"));
    auto s2 = t2.insert(member("x", 5));  // same metadata, other incarnation
    CHECK(t1.entry(s1).record == t2.entry(s2).record);
    CHECK(pool->record_count() == 1);
    t2.set_record(s2, member("x", 6, "tcp://h:2"));  // new version for t2 only
    CHECK(pool->record_count() == 2);
    CHECK(pool->name_count() == 1);
    CHECK(t1.member(s1).endpoints.pub == "tcp://h:1");
    CHECK(t2.member(s2).endpoints.pub == "tcp://h:2");
    t1.erase(s1);
    CHECK(pool->record_count() == 1);
    MemberTable moved = std::move(t2);
    CHECK(moved.find("x") != MemberTable::kNoSlot);
  }
  CHECK(pool->record_count() == 0);  // tables released everything
  CHECK(pool->name_count() == 0);
  CHECK(pool->find_name("x") == RecordPool::kNone);
}

TEST_CASE("broadcast queue: fewest transmits first, limits, replace, erase",
          "[gossip][table]") {
  const std::string a(20, 'a'), b(20, 'b'), c(20, 'c'), a2(20, 'A');
  BroadcastQueue q;
  q.push("a", a);
  q.push("b", b);
  q.push("c", c);
  std::string out;
  CHECK(q.take(56, 10, 2, out) == 2);  // newest first, budget for two
  CHECK(out == c + b);
  out.clear();
  CHECK(q.take(1000, 10, 2, out) == 3);  // a (never sent) before c and b (sent once)
  CHECK(out == a + c + b);
  CHECK(q.size() == 1);  // c and b reached the limit of 2
  q.push("a", a2);       // replaces a's update, sends start over
  out.clear();
  CHECK(q.take(1000, 10, 2, out) == 1);
  CHECK(out == a2);
  q.push("reach/n1/0", a);
  q.push("reach/n1/1", b);
  q.push("reach/n10/0", c);
  q.erase_prefix("reach/n1/");
  q.erase("a");
  CHECK(q.size() == 1);
  out.clear();
  CHECK(q.take(1000, 10, 5, out) == 1);
  CHECK(out == c);
}
