// EventId: random v4 bytes, uniqueness (threads, forked children), text form and parse,
// ordering and hashing.
#include "vsm/event_id.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace vsm {

static_assert(std::is_trivially_copyable_v<EventId>);
static_assert(sizeof(EventId) == 16);

TEST_CASE("event id: generated ids are version 4 and never nil", "[event_id]") {
  CHECK(EventId().is_nil());
  for (int i = 0; i < 1000; ++i) {
    const EventId id = EventId::generate();
    REQUIRE_FALSE(id.is_nil());
    REQUIRE((id.data()[6] >> 4) == 4);       // version nibble
    REQUIRE((id.data()[8] & 0xc0) == 0x80);  // RFC 4122 variant
  }
}

TEST_CASE("event id: 200k ids are unique", "[event_id]") {
  std::unordered_set<EventId> seen;
  seen.reserve(200'000);
  for (int i = 0; i < 200'000; ++i) REQUIRE(seen.insert(EventId::generate()).second);
}

TEST_CASE("event id: unique across threads", "[event_id]") {
  constexpr int kThreads = 4;
  constexpr int kEach = 25'000;
  std::vector<std::vector<EventId>> ids(kThreads);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) ids[t].push_back(EventId::generate());
      });
    }
    for (auto& th : threads) th.join();
  }
  std::unordered_set<EventId> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  CHECK(all.size() == std::size_t{kThreads} * kEach);
}

TEST_CASE("event id: a forked child does not repeat its parent's ids", "[event_id]") {
  (void)EventId::generate();  // the parent's generator is seeded before the fork
  constexpr int kEach = 1000;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    for (int i = 0; i < kEach; ++i) {
      const EventId id = EventId::generate();
      if (::write(fds[1], id.data().data(), EventId::kSize) != EventId::kSize) ::_exit(1);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::set<EventId> parent;
  for (int i = 0; i < kEach; ++i) parent.insert(EventId::generate());
  std::size_t from_child = 0;
  std::size_t repeated = 0;
  std::array<char, EventId::kSize> buf{};
  std::size_t have = 0;
  for (;;) {
    const ssize_t n = ::read(fds[0], buf.data() + have, buf.size() - have);
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
    if (have < buf.size()) continue;
    have = 0;
    ++from_child;
    repeated += parent.count(*EventId::from_bytes(std::string_view(buf.data(), buf.size())));
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  CHECK(from_child == kEach);
  CHECK(repeated == 0);
}

TEST_CASE("event id: text form and parse round trip", "[event_id]") {
  const auto id = EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60");
  REQUIRE(id.ok());
  CHECK(id->bytes() == "\x3f\x2b\x8c\x1e\x9a\x4d\x4c\x55\x8e\x0f\x1b\x2c\x3d\x4e\x5f\x60");
  CHECK(id->to_string() == "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60");
  CHECK(id->uuid_string() == "3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60");
  CHECK(EventId::parse("3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value() == *id);      // bare
  CHECK(EventId::parse("evt_3F2B8C1E-9A4D-4C55-8E0F-1B2C3D4E5F60").value() == *id);  // upper
  std::string out = "id=";
  id->append_to(out);
  CHECK(out == "id=evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60");
  for (int i = 0; i < 1000; ++i) {
    const EventId g = EventId::generate();
    const std::string text = g.to_string();
    REQUIRE(text.size() == EventId::kTextSize);
    REQUIRE(EventId::parse(text).value() == g);
    REQUIRE(EventId::parse(g.uuid_string()).value() == g);
  }
  CHECK(EventId::parse("evt_00000000-0000-0000-0000-000000000000").value().is_nil());
}

TEST_CASE("event id: parse rejects anything else with kInvalid", "[event_id]") {
  for (const char* bad : {"", "evt_", "evt_1", "evt_interop-1",
                          "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f6",    // one digit short
                          "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f600",  // one too many
                          "evt_3f2b8c1e9a4d-4c55-8e0f-1b2c3d4e5f60-",   // dash misplaced
                          "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5g60",   // not hex
                          "EVT_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60",   // prefix case
                          "uuid:3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60"}) {
    INFO(bad);
    auto r = EventId::parse(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
  }
}

TEST_CASE("event id: from_bytes, order and hash", "[event_id]") {
  CHECK_FALSE(EventId::from_bytes("short").has_value());
  CHECK_FALSE(EventId::from_bytes(std::string(17, 'x')).has_value());
  const auto a = EventId::from_bytes(std::string(16, '\x01')).value();
  const auto b = EventId::from_bytes(std::string(15, '\x01') + '\x02').value();
  CHECK(a < b);  // byte order, as the text sorts
  CHECK(a.to_string() < b.to_string());
  CHECK(a != b);
  CHECK(std::hash<EventId>{}(a) == std::hash<EventId>{}(EventId(a)));
  CHECK(std::hash<EventId>{}(a) != std::hash<EventId>{}(b));
}

}  // namespace vsm
