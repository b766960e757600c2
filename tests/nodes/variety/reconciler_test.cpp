// Partition reconciliation (variety/reconciler.hpp) with a fake fetch: what is fetched
// after a heal announcement, that each missing event is delivered once and in order
// (whether it arrives live or fetched), paging, the caps and failures.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "subscribe/dispatcher.hpp"
#include "subscribe/subscriptions.hpp"
#include "variety/reconciler.hpp"
#include "vsm/value_pack.hpp"

using vsm::Channel;
using vsm::Event;
using vsm::detail::RepairRequest;

namespace {

constexpr Channel kCh = Channel::kCoordination;

Event event(std::uint64_t seq, const std::string& publisher = "p") {
  Event e;
  e.channel = kCh;
  e.source = publisher;
  e.type = "t";
  e.ts.node = publisher;
  e.seq = seq;
  std::string id(vsm::EventId::kSize, '\0');  // the same seq has the same id (a copy)
  for (std::size_t b = 0; b < 8; ++b) id[b] = static_cast<char>(seq >> (8 * b));
  e.id = *vsm::EventId::from_bytes(id);
  return e;
}

Event announcement(std::uint64_t first, std::uint64_t last,
                   const std::string& type = "partition_healthy", std::uint64_t seq = 0) {
  Event e;
  e.seq = seq;
  e.channel = Channel::kAudit;
  e.source = "p";
  e.type = type;
  e.ts.node = "p";
  e.metadata["degraded_ranges"] = vsm::pack_value(
      std::map<std::string, std::vector<std::uint64_t>>{{"coordination", {first, last}}});
  return e;
}

struct Rig {
  vsm::NodeConfig config;
  vsm::detail::SequenceTracker sequences{16};
  vsm::detail::Dispatcher dispatcher;
  vsm::detail::Subscriptions subs{"i", dispatcher};
  std::vector<RepairRequest> fetched;
  std::vector<Event> delivered;
  std::unique_ptr<vsm::detail::Reconciler> rec;

  explicit Rig(vsm::DeliveryMode mode = vsm::DeliveryMode::kBestEffort) {
    subs.attach([](std::string_view, bool) {});
    vsm::SubscribeOptions o;
    o.mode = mode;
    subs.add(std::make_shared<vsm::detail::SubscriptionState>(vsm::Filter::on(kCh), nullptr, o));
    make();
  }
  void make() {
    rec = std::make_unique<vsm::detail::Reconciler>(
        config, sequences, subs,
        [this](RepairRequest r, std::chrono::milliseconds) { fetched.push_back(std::move(r)); },
        [this](const Event& e) { delivered.push_back(e); });
  }
  void live(std::uint64_t seq) { (void)sequences.observe("p", kCh, seq); }
  // Answers the last fetch with the seqs [from, to] (none when from > to).
  void answer(std::uint64_t from, std::uint64_t to) {
    REQUIRE_FALSE(fetched.empty());
    vsm::Result<vsm::ReplayBatch> r{vsm::ReplayBatch{}};
    for (auto s = from; s <= to; ++s) r->events.push_back(event(s));
    rec->on_fetched(fetched.back(), r);
  }
  std::vector<std::uint64_t> seqs() const {
    std::vector<std::uint64_t> out;
    for (const auto& e : delivered) out.push_back(e.seq);
    return out;
  }
  vsm::VarietyStats stats() const {
    vsm::VarietyStats s;
    rec->fill_stats(s);
    return s;
  }
};

}  // namespace

TEST_CASE("what a heal announcement names and was not seen is fetched and delivered once",
          "[variety][reconcile]") {
  Rig rig;
  for (std::uint64_t s = 1; s <= 3; ++s) rig.live(s);
  rig.live(6);  // 4..5 lost in the partition
  rig.rec->on_audit(announcement(4, 8));
  REQUIRE(rig.fetched.size() == 1);
  CHECK(rig.fetched[0].publisher == "p");
  CHECK(rig.fetched[0].reconcile);
  CHECK(rig.fetched[0].from == 4);
  CHECK(rig.fetched[0].to == 5);
  rig.live(7);  // arrives live meanwhile
  rig.answer(4, 5);
  REQUIRE(rig.fetched.size() == 2);  // then the tail the announcement names
  CHECK(rig.fetched[1].from == 7);
  CHECK(rig.fetched[1].to == 8);
  rig.answer(7, 8);
  CHECK(rig.seqs() == std::vector<std::uint64_t>{4, 5, 8});  // 7 arrived live: not again
  for (const auto& e : rig.delivered) {
    CHECK(e.metadata.count(std::string(vsm::kReconciledMetadataKey)) == 1);
  }
  CHECK(rig.rec->delivered(event(8)));  // a late live copy is recognised by its id
  CHECK_FALSE(rig.rec->delivered(event(7)));
  rig.answer(7, 8);  // a repeated answer delivers nothing twice
  rig.live(8);       // nor does a late live copy count as new
  CHECK(rig.delivered.size() == 3);
  CHECK(rig.stats().reconciled_events == 3);
  CHECK(rig.stats().reconcile_failed == 0);
}

TEST_CASE("an unknown stream: the whole announced range is missing", "[variety][reconcile]") {
  Rig rig;
  rig.rec->on_audit(announcement(10, 12, "partition_healing"));
  REQUIRE(rig.fetched.size() == 1);
  CHECK(rig.fetched[0].from == 10);
  rig.live(11);  // then seen live: claimed by the live path
  rig.answer(10, 12);
  CHECK(rig.seqs() == std::vector<std::uint64_t>{10, 12});
}

TEST_CASE("a partial answer (page limit) goes on after its last event", "[variety][reconcile]") {
  Rig rig;
  rig.live(1);
  rig.rec->on_audit(announcement(2, 9));
  rig.answer(2, 4);
  REQUIRE(rig.fetched.size() == 2);
  CHECK(rig.fetched[1].from == 5);
  CHECK(rig.fetched[1].to == 9);
  rig.answer(5, 9);
  CHECK(rig.delivered.size() == 8);
  rig.answer(1, 0);  // empty: the range ends (no longer retained), nothing more asked
  CHECK(rig.fetched.size() == 2);
}

TEST_CASE("reconciliation is bounded: ranges and events per announcement",
          "[variety][reconcile][bounded]") {
  Rig rig;
  rig.config.reconcile_max_events = 3;
  rig.config.reconcile_max_ranges = 1;
  rig.live(1);
  rig.live(5);  // gap 2..4
  rig.rec->on_audit(announcement(2, 1'000'000));  // and 6..1000000
  REQUIRE(rig.fetched.size() == 1);
  CHECK(rig.fetched[0].from == 2);
  CHECK(rig.fetched[0].to == 4);
  CHECK(rig.stats().reconcile_truncated == 1);  // the second range did not fit
  rig.answer(2, 4);
  CHECK(rig.fetched.size() == 1);
  CHECK(rig.delivered.size() == 3);
}

TEST_CASE("a failed fetch is counted and the next range goes on", "[variety][reconcile]") {
  Rig rig;
  rig.live(1);
  rig.live(4);  // gap 2..3
  rig.rec->on_audit(announcement(2, 6));
  REQUIRE(rig.fetched.size() == 1);
  vsm::Result<vsm::ReplayBatch> failed = vsm::Error::subscriber_unavailable("deadline");
  rig.rec->on_fetched(rig.fetched.back(), failed);
  CHECK(rig.stats().reconcile_failed == 1);
  REQUIRE(rig.fetched.size() == 2);
  CHECK(rig.fetched[1].from == 5);
  rig.answer(5, 6);
  CHECK(rig.seqs() == std::vector<std::uint64_t>{5, 6});
}

TEST_CASE("nothing is fetched when off, for Reliable subscriptions, or other events",
          "[variety][reconcile]") {
  SECTION("reconcile = false") {
    Rig rig;
    rig.config.reconcile = false;
    rig.live(1);
    rig.rec->on_audit(announcement(2, 5));
    CHECK(rig.fetched.empty());
    CHECK(vsm::detail::Reconciler::topic_prefixes(rig.config).empty());
  }
  SECTION("only a Reliable subscription: it repairs the gap itself") {
    Rig rig(vsm::DeliveryMode::kReliable);
    rig.rec->on_audit(announcement(2, 5));
    CHECK(rig.fetched.empty());
  }
  SECTION("not a heal announcement, or malformed ranges") {
    Rig rig;
    rig.live(1);
    Event other = announcement(2, 5, "partition_degraded");
    rig.rec->on_audit(other);
    Event bad = announcement(2, 5);
    bad.metadata["degraded_ranges"] = vsm::pack_value(std::string("nope"));
    rig.rec->on_audit(bad);
    Event reversed = announcement(5, 2);
    rig.rec->on_audit(reversed);
    CHECK(rig.fetched.empty());
  }
}

TEST_CASE("a heal announcement missed on the wire is fetched when the audit head moves",
          "[variety][reconcile]") {
  Rig rig;
  rig.live(1);
  rig.rec->on_hello("p", 3);  // where p's audit stream stands: history, not fetched
  CHECK(rig.fetched.empty());
  rig.rec->on_hello("p", 5);  // two audit events we never saw
  REQUIRE(rig.fetched.size() == 1);
  CHECK(rig.fetched[0].channel == Channel::kAudit);
  CHECK(rig.fetched[0].from == 4);
  CHECK(rig.fetched[0].to == 5);
  vsm::Result<vsm::ReplayBatch> r{vsm::ReplayBatch{}};
  r->events.push_back(announcement(2, 3, "partition_degraded", 4));
  r->events.push_back(announcement(2, 3, "partition_healing", 5));
  rig.rec->on_fetched(rig.fetched.back(), r);
  REQUIRE(rig.fetched.size() == 2);  // the healing one's range
  CHECK(rig.fetched[1].channel == kCh);
  CHECK(rig.fetched[1].from == 2);
  CHECK(rig.fetched[1].to == 3);
  rig.answer(2, 3);
  CHECK(rig.seqs() == std::vector<std::uint64_t>{2, 3});
  rig.rec->on_audit(announcement(2, 3, "partition_healthy", 7));  // 6 missed too: fetched
  REQUIRE(rig.fetched.size() == 3);
  CHECK(rig.fetched[2].channel == Channel::kAudit);
  CHECK(rig.fetched[2].from == 6);
  CHECK(rig.fetched[2].to == 6);
  CHECK(rig.delivered.size() == 2);  // the repeated ranges deliver nothing again
}

TEST_CASE("a publisher that had published nothing on audit yet: all of it is new",
          "[variety][reconcile]") {
  Rig rig;
  rig.rec->on_hello("p", 0);
  rig.rec->on_hello("p", 2);
  REQUIRE(rig.fetched.size() == 1);
  CHECK(rig.fetched[0].from == 1);
  CHECK(rig.fetched[0].to == 2);
}
