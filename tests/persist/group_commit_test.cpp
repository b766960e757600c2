// The durability contract of appends (docs/LOG_FORMAT.md "Durability"): an append
// returns after its records are in the file under every fsync policy; concurrent
// appenders share one write; the vsm-log-sync thread syncs under fsync interval;
// append_encoded_batch is all or nothing.
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "alloc_counter.hpp"
#include "fault_env.hpp"
#include "persist_test_util.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_reader.hpp"
#include "wait_until.hpp"

namespace vsm::persist {
namespace {

using test::make_event;
using test::TempDir;

std::unique_ptr<EventLog> open_log(const std::filesystem::path& dir, const LogOptions& o) {
  auto log = EventLog::open(dir, o);
  if (!log) FAIL(log.error().to_string());
  return std::move(log).value();
}

// Names of this process's threads.
std::vector<std::string> thread_names() {
  std::vector<std::string> out;
  for (const auto& t : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(t.path() / "comm");
    std::string name;
    std::getline(in, name);
    out.push_back(name);
  }
  return out;
}

bool has_thread(const std::string& name) {
  const auto names = thread_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("an acknowledged append is in the file when append returns, under every policy",
          "[persist][durability]") {
  for (FsyncPolicy policy : {FsyncPolicy::kNone, FsyncPolicy::kInterval, FsyncPolicy::kAlways}) {
    TempDir dir;
    LogOptions o;
    o.fsync = policy;
    o.fsync_interval_ms = 3'600'000;  // the sync thread never runs in this test
    auto log = open_log(dir.path(), o);
    for (std::uint64_t i = 1; i <= 5; ++i) {
      REQUIRE(log->append(make_event(i)));
      // Another reader of the directory (think: the same log after kill -9) sees it.
      auto reader = LogReader::open(dir.path());
      REQUIRE(reader);
      auto all = (*reader)->query({});
      REQUIRE(all);
      REQUIRE(all->size() == i);
      CHECK(all->back().event == make_event(i));
    }
    CHECK(log->stats().last_offset == 5);
    CHECK(log->stats().durable_offset == (policy == FsyncPolicy::kAlways ? 5u : 0u));
  }
}

TEST_CASE("concurrent appenders waiting behind a group share one write", "[persist][durability]") {
  TempDir dir;
  test::FaultEnv env;
  LogOptions o;
  o.env = &env;
  o.fsync = FsyncPolicy::kAlways;
  auto log = open_log(dir.path(), o);
  const auto writes0 = env.counters().writes;
  env.close_sync_gate();
  std::vector<std::uint64_t> offsets(8, 0);
  std::vector<std::thread> threads;
  // The first appender leads and waits in its fdatasync...
  threads.emplace_back([&] { offsets[0] = log->append(make_event(1)).value_or(0); });
  REQUIRE(vsm::test::wait_until([&] { return env.counters().blocked_syncs == 1; }));
  // ...while seven more queue behind it.
  for (std::size_t t = 1; t < 8; ++t) {
    threads.emplace_back([&, t] { offsets[t] = log->append(make_event(t + 1)).value_or(0); });
  }
  REQUIRE(vsm::test::wait_until([&] { return log->stats().queued_appends == 8; }));
  env.open_sync_gate();
  for (auto& th : threads) th.join();
  std::sort(offsets.begin(), offsets.end());
  for (std::size_t i = 0; i < offsets.size(); ++i) CHECK(offsets[i] == i + 1);
  CHECK(env.counters().writes - writes0 == 2);  // the first append, then one for seven
  CHECK(log->stats().batches == 2);
  CHECK(log->stats().durable_offset == 8);
}

TEST_CASE("fsync interval: the vsm-log-sync thread syncs without a flush",
          "[persist][durability]") {
  TempDir dir;
  {
    LogOptions o;
    o.fsync = FsyncPolicy::kNone;
    auto log = open_log(dir.path(), o);
    CHECK_FALSE(has_thread("vsm-log-sync"));
  }
  LogOptions o;
  o.fsync = FsyncPolicy::kInterval;
  o.fsync_interval_ms = 5;
  auto log = open_log(dir.path(), o);
  CHECK(vsm::test::wait_until([] { return has_thread("vsm-log-sync"); }));  // names itself
  CHECK_FALSE(has_thread("vsm-log-writer"));  // appends write on the caller's thread
  for (std::uint64_t i = 1; i <= 10; ++i) REQUIRE(log->append(make_event(i)));
  REQUIRE(vsm::test::wait_until([&] { return log->stats().durable_offset == 10; }));
  CHECK(log->stats().syncs >= 1);
  CHECK(log->stats().sync_latency.count >= 1);  // the syncer's fdatasyncs are timed too
  REQUIRE(log->close());
  CHECK_FALSE(has_thread("vsm-log-sync"));
}

TEST_CASE("every fdatasync is timed in the stats' sync latency histogram", "[persist][durability]") {
  TempDir dir;
  LogOptions o;
  o.fsync = FsyncPolicy::kAlways;
  auto log = open_log(dir.path(), o);
  const auto before = log->stats();
  for (std::uint64_t i = 1; i <= 5; ++i) REQUIRE(log->append(make_event(i)));
  const auto after = log->stats();
  CHECK(after.sync_latency.count - before.sync_latency.count == after.syncs - before.syncs);
  CHECK(after.sync_latency.count >= before.sync_latency.count + 5);
  CHECK(after.sync_latency.max_us >= after.sync_latency.percentile_us(0.5));
}

TEST_CASE("append_encoded_batch appends wire frames with consecutive offsets, all or nothing",
          "[persist][durability]") {
  TempDir dir;
  auto log = open_log(dir.path(), {});
  std::vector<std::string> frames;
  for (std::uint64_t i = 1; i <= 64; ++i) frames.push_back(encode_event(make_event(i)).value());
  std::vector<std::string_view> views(frames.begin(), frames.end());
  auto first = log->append_encoded_batch(views);
  REQUIRE(first);
  CHECK(*first == 1);

  views[10] = "not an event";
  auto bad = log->append_encoded_batch(views);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == ErrorCode::kInvalid);
  CHECK(log->stats().last_offset == 64);  // nothing of the bad batch

  auto one = log->append_encoded(frames[0]);
  REQUIRE(one);
  CHECK(*one == 65);
  auto all = log->query({});
  REQUIRE(all);
  REQUIRE(all->size() == 65);
  for (std::uint64_t i = 0; i < 64; ++i) CHECK(all->at(i).event == make_event(i + 1));
}

TEST_CASE("append_encoded_batch with known fields indexes them as the peeked frames would be",
          "[persist][durability]") {
  TempDir dir;
  std::vector<std::string> frames;
  std::vector<EncodedRecord> records;
  for (std::uint64_t i = 1; i <= 40; ++i) frames.push_back(encode_event(make_event(i)).value());
  for (std::uint64_t i = 1; i <= 40; ++i) {
    const Event e = make_event(i);
    records.push_back({frames[i - 1], e.ts.wall_ms, e.channel, e.seq});
  }
  const auto check = [&](EventLog& log) {
    LogQuery q;
    q.channel = Channel::kAudit;  // make_event(i): channel i % 5
    q.from_seq = 10;
    q.to_seq = 30;
    q.from_wall_ms = make_event(12).ts.wall_ms;
    auto got = log.query(q);
    REQUIRE(got);
    std::vector<std::uint64_t> seqs;
    for (const auto& entry : *got) seqs.push_back(entry.event.seq);
    std::vector<std::uint64_t> want;
    for (std::uint64_t i = 12; i <= 30; ++i) {
      if (make_event(i).channel == Channel::kAudit) want.push_back(i);
    }
    CHECK(seqs == want);
    auto all = log.query({});
    REQUIRE(all);
    REQUIRE(all->size() == 40);
    for (std::uint64_t i = 0; i < 40; ++i) CHECK(all->at(i).event == make_event(i + 1));
  };
  {
    auto log = open_log(dir.path(), {});
    auto first = log->append_encoded_batch(std::span<const EncodedRecord>(records));
    REQUIRE(first);
    CHECK(*first == 1);
    check(*log);
    REQUIRE(log->close());
  }
  auto reopened = open_log(dir.path(), {});  // the index as recovery rebuilds it
  check(*reopened);
}

TEST_CASE("steady-state appends allocate nothing", "[persist][durability]") {
  TempDir dir;
  LogOptions o;
  o.fsync = FsyncPolicy::kNone;
  auto log = open_log(dir.path(), o);
  std::vector<std::string> frames;
  for (std::uint64_t i = 1; i <= 64; ++i) frames.push_back(encode_event(make_event(i)).value());
  const std::vector<std::string_view> views(frames.begin(), frames.end());
  const Event event = make_event(1);
  for (int i = 0; i < 200; ++i) {  // buffers reach their steady size
    REQUIRE(log->append_encoded_batch(views));
    REQUIRE(log->append(event));
  }
  std::uint64_t allocations = 0;
  {
    test::AllocationScope scope;
    for (int i = 0; i < 1000; ++i) {
      if (!log->append_encoded_batch(views) || !log->append(event)) break;
    }
    allocations = scope.count();
  }
  CHECK(log->stats().last_offset == 1200 * 65);
  // 66,000 records: only the sparse index grows (one entry per 16 KiB, amortised).
  CHECK(allocations <= 20);
}

}  // namespace vsm::persist
