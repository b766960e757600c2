// LogQuery filters, limits and correlation chains, through EventLog and LogReader.
#include <catch2/catch.hpp>

#include "persist_test_util.hpp"
#include "test_ids.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsm::persist {
namespace {

using test::make_event;
using test::TempDir;

std::vector<std::uint64_t> offsets_of(const Result<std::vector<LogEntry>>& r) {
  REQUIRE(r);
  std::vector<std::uint64_t> out;
  for (const auto& e : *r) out.push_back(e.offset);
  return out;
}

// Ids and causation ids name events by tag ("a", "b", ...), in their text form.
std::string text_id(std::string_view tag) { return vsm::test::id_for(tag).to_string(); }

Event linked(std::string_view tag, std::string corr, std::string_view cause, std::uint64_t wall) {
  Event e = make_event(7, wall);
  e.id = vsm::test::id_for(tag);
  e.correlation_id = std::move(corr);
  e.causation_id = cause.empty() ? std::string() : text_id(cause);
  return e;
}

}  // namespace

TEST_CASE("query filters combine with AND", "[persist][query]") {
  TempDir dir;
  auto opened = EventLog::open(dir.path(), {});
  REQUIRE(opened);
  auto& log = *opened;
  for (std::uint64_t i = 1; i <= 40; ++i) REQUIRE(log->append(make_event(i)));

  LogQuery q;
  q.channel = Channel::kAudit;  // i % 5 == 2
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{2, 7, 12, 17, 22, 27, 32, 37});
  q.type = "policy_update";  // and i % 4 == 0
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{12, 32});
  q = {};
  q.source = "s1.ops-1";
  q.target = "s3";  // odd i, i % 3 == 1
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{1, 7, 13, 19, 25, 31, 37});
  q = {};
  q.publisher = "node-0";
  q.from_seq = 10;
  q.to_seq = 16;
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{10, 12, 14, 16});
  q = {};
  q.from_offset = 5;
  q.to_offset = 30;
  q.limit = 3;
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{5, 6, 7});
  q = {};
  q.from_wall_ms = 1'700'000'000'000 + 38;
  CHECK(offsets_of(log->query(q)) == std::vector<std::uint64_t>{38, 39, 40});

  int calls = 0;
  REQUIRE(log->replay({}, [&](const LogEntry&) { return ++calls < 5; }));
  CHECK(calls == 5);
}

TEST_CASE("correlation_chain follows correlation and causation links in HLC order",
          "[persist][query]") {
  TempDir dir;
  {
    auto log = EventLog::open(dir.path(), {});
    REQUIRE(log);
    // Appended out of HLC order; one effect precedes its cause in the log.
    REQUIRE((*log)->append(linked("c", "", "b", 300)));  // caused by b, no corr id
    REQUIRE((*log)->append(linked("a", "corr-1", "", 100)));
    REQUIRE((*log)->append(linked("x", "corr-2", "", 150)));
    REQUIRE((*log)->append(linked("b", "corr-1", "a", 200)));
    REQUIRE((*log)->append(linked("d", "", "c", 400)));
    REQUIRE((*log)->append(linked("y", "", "x", 250)));
    auto chain = (*log)->correlation_chain("corr-1");
    REQUIRE(chain);
    std::vector<std::string> ids;
    for (const auto& e : *chain) ids.push_back(e.event.id.to_string());
    CHECK(ids == std::vector<std::string>{text_id("a"), text_id("b"), text_id("c"), text_id("d")});
  }
  auto reader = LogReader::open(dir.path());
  REQUIRE(reader);
  auto by_event = (*reader)->correlation_chain(text_id("x"));
  REQUIRE(by_event);
  REQUIRE(by_event->size() == 2);
  CHECK(by_event->at(1).event.id == vsm::test::id_for("y"));
  auto none = (*reader)->correlation_chain("nope");
  REQUIRE(none);
  CHECK(none->empty());
}

}  // namespace vsm::persist
