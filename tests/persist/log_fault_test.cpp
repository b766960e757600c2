// Errors that heal (docs/LOG_FORMAT.md): ENOSPC, EIO on write and on fdatasync, short
// writes, failed segment rolls, through the fault-injecting Env over real files. A
// failed append leaves no record behind, fails fast while the log is failing, and the
// log heals by itself without reopening; the failing state is reported once.
#include <catch2/catch.hpp>

#include "fault_env.hpp"
#include "log_capture.hpp"
#include "persist_test_util.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_reader.hpp"
#include "wait_until.hpp"

namespace vsm::persist {
namespace {

using test::FaultEnv;
using test::make_event;
using test::TempDir;

struct FakeClock final : WallClock {
  std::uint64_t now = 1'000'000;
  std::uint64_t now_ms() const override { return now; }
};

constexpr std::uint64_t kRetryMs = 1000;

LogOptions fault_options(FaultEnv& env, FakeClock& clock, FsyncPolicy fsync) {
  LogOptions o;
  o.env = &env;
  o.retry_clock = &clock;
  o.fsync = fsync;
  o.error_retry_interval_ms = kRetryMs;
  return o;
}

std::unique_ptr<EventLog> open_log(const std::filesystem::path& dir, const LogOptions& o) {
  auto log = EventLog::open(dir, o);
  if (!log) FAIL(log.error().to_string());
  return std::move(log).value();
}

// Offsets of every record a fresh reader finds; the reader must find no damage.
std::vector<std::uint64_t> offsets_on_disk(const std::filesystem::path& dir) {
  auto reader = LogReader::open(dir);
  REQUIRE(reader);
  auto report = (*reader)->verify();
  REQUIRE(report);
  CHECK(report->corruption.empty());
  CHECK(report->tail_bytes == 0);  // no torn record left behind
  std::vector<std::uint64_t> out;
  REQUIRE((*reader)->replay({}, [&](const LogEntry& e) {
    out.push_back(e.offset);
    return true;
  }));
  return out;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("ENOSPC mid-stream: no torn record, fail fast, heal without reopening",
          "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  test::LogCapture logs;
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kNone));
  env.fail_writes_after(5000);  // about 30 records, then a full disk mid-record
  std::uint64_t acked = 0;
  Result<std::uint64_t> r = 0;
  while ((r = log->append(make_event(acked + 1)))) {
    REQUIRE(*r == acked + 1);
    ++acked;
    REQUIRE(acked < 1000);
  }
  CHECK(r.error().code() == ErrorCode::kNoSpace);
  CHECK(acked > 10);
  auto st = log->stats();
  CHECK(st.health == LogHealth::kFailing);
  CHECK(st.last_error.find("no_space") != std::string::npos);
  CHECK(st.write_errors == 1);
  CHECK(st.last_offset == acked);
  CHECK(offsets_on_disk(dir.path()) == range(1, acked));  // the partial record was cut back

  // Failing: appends fail at once with the same error and touch no file.
  const auto before = env.counters();
  for (int i = 0; i < 50; ++i) {
    auto again = log->append(make_event(999));
    REQUIRE_FALSE(again);
    CHECK(again.error().code() == ErrorCode::kNoSpace);
  }
  CHECK(env.counters().writes == before.writes);
  CHECK(env.counters().truncates == before.truncates);
  CHECK(log->stats().failed_appends == 51);

  // Still full at the retry time: one attempt, then fail fast again.
  clock.now += kRetryMs;
  CHECK_FALSE(log->append(make_event(999)));
  CHECK(env.counters().writes == before.writes + 1);
  CHECK_FALSE(log->append(make_event(999)));
  CHECK(env.counters().writes == before.writes + 1);

  // Space is freed: the next retry succeeds and the log is healthy again.
  env.heal();
  clock.now += kRetryMs;
  for (std::uint64_t i = acked + 1; i <= acked + 20; ++i) {
    auto ok = log->append(make_event(i));
    REQUIRE(ok);
    CHECK(*ok == i);  // offsets continue: failed appends consumed none
  }
  st = log->stats();
  CHECK(st.health == LogHealth::kHealthy);
  CHECK(st.recoveries == 1);
  CHECK(st.write_errors == 2);
  CHECK(logs.count("warning", "event log") == 1);  // once per transition, not per event
  CHECK(logs.count("info", "healthy") == 1);
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, acked + 20));
}

TEST_CASE("EIO on write fails the whole batch and leaves nothing behind", "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kInterval));
  std::vector<Event> batch;
  for (std::uint64_t i = 1; i <= 10; ++i) batch.push_back(make_event(i));
  REQUIRE(log->append_batch(batch));
  env.fail_writes_with_eio(true);
  auto failed = log->append_batch(batch);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == ErrorCode::kIo);
  CHECK(failed.error().message().find("EIO") != std::string::npos);
  env.heal();
  clock.now += kRetryMs;
  auto ok = log->append_batch(batch);
  REQUIRE(ok);
  CHECK(*ok == 11);
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, 20));
}

TEST_CASE("EIO on fdatasync under fsync always: the append fails, is rolled back, later succeeds",
          "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  test::LogCapture logs;
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kAlways));
  REQUIRE(log->append(make_event(1)));
  env.fail_syncs_with_eio(true);
  auto failed = log->append(make_event(2));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == ErrorCode::kIo);
  CHECK(log->stats().health == LogHealth::kFailing);
  CHECK(log->stats().durable_offset == 1);
  auto q = log->query({});
  REQUIRE(q);
  CHECK(q->size() == 1);  // the unacknowledged record is not in the log
  env.heal();
  clock.now += kRetryMs;
  auto ok = log->append(make_event(2));
  REQUIRE(ok);
  CHECK(*ok == 2);
  CHECK(log->stats().durable_offset == 2);
  CHECK(log->stats().health == LogHealth::kHealthy);
  CHECK(logs.count("warning", "fdatasync failed") == 1);
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, 2));
}

TEST_CASE("a failed interval sync makes the log failing until a retry syncs", "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  LogOptions o = fault_options(env, clock, FsyncPolicy::kInterval);
  o.fsync_interval_ms = 1;
  auto log = open_log(dir.path(), o);
  env.fail_syncs_with_eio(true);
  REQUIRE(log->append(make_event(1)));  // written; the sync thread then fails
  REQUIRE(vsm::test::wait_until([&] { return log->stats().health == LogHealth::kFailing; }));
  auto failed = log->append(make_event(2));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == ErrorCode::kIo);
  env.heal();
  clock.now += kRetryMs;
  auto ok = log->append(make_event(2));  // the retry writes and syncs
  REQUIRE(ok);
  CHECK(*ok == 2);
  CHECK(log->stats().health == LogHealth::kHealthy);
  REQUIRE(vsm::test::wait_until([&] { return log->stats().durable_offset == 2; }));
}

TEST_CASE("flush reports a failed sync like an append", "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kNone));
  REQUIRE(log->append(make_event(1)));
  env.fail_syncs_with_eio(true);
  auto st = log->flush();
  REQUIRE_FALSE(st);
  CHECK(st.error().code() == ErrorCode::kIo);
  CHECK(log->stats().health == LogHealth::kFailing);
  env.heal();
  REQUIRE(log->flush());
  CHECK(log->stats().health == LogHealth::kHealthy);
  CHECK(log->stats().durable_offset == 1);
}

TEST_CASE("short writes are completed", "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  env.short_writes(7);
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kNone));
  std::vector<Event> batch;
  for (std::uint64_t i = 1; i <= 20; ++i) batch.push_back(make_event(i));
  REQUIRE(log->append_batch(batch));
  CHECK(env.counters().writes > 100);  // each group took many short writes
  CHECK(log->stats().health == LogHealth::kHealthy);
  auto all = log->query({});
  REQUIRE(all);
  REQUIRE(all->size() == 20);
  CHECK(all->at(7).event == make_event(8));
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, 20));
}

TEST_CASE("a short write followed by a full disk is rolled back", "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  auto log = open_log(dir.path(), fault_options(env, clock, FsyncPolicy::kNone));
  REQUIRE(log->append(make_event(1)));
  env.short_writes(10);
  env.fail_writes_after(55);  // five short writes, then ENOSPC inside the second record
  std::vector<Event> batch{make_event(2), make_event(3)};
  auto failed = log->append_batch(batch);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == ErrorCode::kNoSpace);
  CHECK(offsets_on_disk(dir.path()) == range(1, 1));
  env.heal();
  clock.now += kRetryMs;
  REQUIRE(log->append_batch(batch));
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, 3));
}

TEST_CASE("a batch whose segment roll fails is rolled back from both segments",
          "[persist][faults]") {
  TempDir dir;
  FaultEnv env;
  FakeClock clock;
  LogOptions o = fault_options(env, clock, FsyncPolicy::kInterval);
  o.segment_bytes = 4096;
  auto log = open_log(dir.path(), o);
  std::uint64_t n = 0;
  while (log->segments().size() == 1) REQUIRE(log->append(make_event(++n)));
  const std::uint64_t size_before = log->segments().back().bytes;
  // 40 records (~6 KB) start in the active segment and need a new one.
  std::vector<Event> batch;
  for (std::uint64_t i = 1; i <= 40; ++i) batch.push_back(make_event(n + i));
  env.fail_creates(true);
  auto failed = log->append_batch(batch);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == ErrorCode::kNoSpace);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    files += e.path().extension() == ".log" ? 1 : 0;
  }
  CHECK(files == 2);  // no half-created segment left behind
  CHECK(std::filesystem::file_size(log->segments().back().path) == size_before);
  CHECK(offsets_on_disk(dir.path()) == range(1, n));
  env.fail_creates(false);
  clock.now += kRetryMs;
  auto ok = log->append_batch(batch);
  REQUIRE(ok);
  CHECK(*ok == n + 1);
  CHECK(log->segments().size() >= 3);
  REQUIRE(log->close());
  CHECK(offsets_on_disk(dir.path()) == range(1, n + 40));
}

}  // namespace vsm::persist
