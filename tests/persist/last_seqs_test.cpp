// EventLog::last_seqs / LogReader::last_seqs: each channel's highest seq of one
// publisher, found from the index blocks' seq ranges without reading the whole log.
#include <catch2/catch.hpp>

#include "fault_env.hpp"
#include "persist_test_util.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsm::persist {

using test::make_event;
using test::TempDir;
using Seqs = std::array<std::uint64_t, kChannelCount>;

TEST_CASE("last_seqs finds each channel's highest seq of one publisher", "[persist][seq]") {
  TempDir dir;
  LogOptions o;
  o.segment_bytes = 64 << 10;
  auto log = EventLog::open(dir.path(), o).value();
  Seqs expect{};
  for (std::uint64_t i = 1; i <= 5000; ++i) {
    Event e = make_event(i);  // channel i % 5, node-(i % 2)
    e.seq = i / 10 + 1;
    if (i % 7 == 0) {  // another publisher's events, with higher seqs, in the same log
      e.ts.node = "other";
      e.seq += 1'000'000;
    }
    if (e.ts.node == "node-1") {
      auto& x = expect[channel_index(e.channel)];
      x = std::max(x, e.seq);
    }
    REQUIRE(log->append(e));
  }
  CHECK(log->last_seqs("node-1").value() == expect);
  CHECK(log->last_seqs("nobody").value() == Seqs{});
  REQUIRE(log->close());
  auto reader = LogReader::open(dir.path()).value();
  CHECK(reader->last_seqs("node-1").value() == expect);
}

TEST_CASE("last_seqs reads a few index blocks, not the log", "[persist][seq]") {
  TempDir dir;
  constexpr std::uint64_t kEvents = 50'000;
  Seqs expect{};
  {
    LogOptions o;
    o.segment_bytes = 1 << 20;
    o.fsync = FsyncPolicy::kNone;
    auto log = EventLog::open(dir.path(), o).value();
    std::vector<Event> batch;
    for (std::uint64_t i = 1; i <= kEvents; ++i) {
      Event e = make_event(i);
      e.ts.node = "me";
      e.seq = i / kChannelCount + 1;  // per-channel sequences, as a publisher's
      expect[channel_index(e.channel)] = e.seq;
      batch.push_back(std::move(e));
      if (batch.size() == 64 || i == kEvents) {
        REQUIRE(log->append_batch(batch));
        batch.clear();
      }
    }
  }
  test::FaultEnv env;  // counts the bytes read
  ReaderOptions ro;
  ro.env = &env;
  auto reader = LogReader::open(dir.path(), ro).value();
  std::uint64_t log_bytes = 0;
  for (const auto& s : reader->segments()) log_bytes += s.bytes;
  const auto before = env.counters().bytes_read;
  auto seqs = reader->last_seqs("me");
  REQUIRE(seqs);
  CHECK(*seqs == expect);
  const auto read = env.counters().bytes_read - before;
  INFO("read " << read << " of " << log_bytes << " bytes");
  CHECK(read < log_bytes / 50);
}

}  // namespace vsm::persist
