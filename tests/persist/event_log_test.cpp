// EventLog: append/reopen, roll, recovery of torn tails at every byte, mid-log
// corruption, index rebuild, retention, locking, errors for foreign directories.
#include "vsm/persist/event_log.hpp"

#include <catch2/catch.hpp>
#include <atomic>
#include <thread>

#include "persist_test_util.hpp"
#include "wait_until.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/persist/record_writer.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist {
namespace {

namespace fs = std::filesystem;
namespace lf = log_format;
using test::make_event;
using test::TempDir;

std::unique_ptr<EventLog> open_log(const fs::path& dir, LogOptions o = {}) {
  auto log = EventLog::open(dir, o);
  if (!log) FAIL(log.error().to_string());
  return std::move(log).value();
}

std::vector<std::uint64_t> offsets_of(const std::vector<LogEntry>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& e : v) out.push_back(e.offset);
  return out;
}

std::vector<fs::path> segment_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("append assigns offsets from 1 and survives reopen", "[persist][log]") {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    for (std::uint64_t i = 1; i <= 100; ++i) {
      auto off = log->append(make_event(i));
      REQUIRE(off);
      CHECK(*off == i);
    }
    std::vector<Event> batch{make_event(101), make_event(102)};
    auto first = log->append_batch(batch);
    REQUIRE(first);
    CHECK(*first == 101);
    auto all = log->query({});
    REQUIRE(all);
    REQUIRE(all->size() == 102);
    CHECK(all->at(41).event == make_event(42));
    REQUIRE(log->close());
    REQUIRE(log->close());  // idempotent
    auto after = log->append(make_event(1));
    REQUIRE_FALSE(after);
    CHECK(after.error().code() == ErrorCode::kClosed);
  }
  auto log = open_log(dir.path());
  CHECK(log->recovery_report().records == 102);
  CHECK(log->recovery_report().torn_bytes == 0);
  auto off = log->append(make_event(103));
  REQUIRE(off);
  CHECK(*off == 103);
  CHECK(log->stats().last_offset == 103);
}

TEST_CASE("segments roll by size and are named by their first offset", "[persist][log]") {
  TempDir dir;
  LogOptions o;
  o.segment_bytes = 8192;
  o.fsync = FsyncPolicy::kNone;
  {
    auto log = open_log(dir.path(), o);
    for (std::uint64_t i = 1; i <= 500; ++i) REQUIRE(log->append(make_event(i)));
    REQUIRE(log->flush());
    const auto segs = log->segments();
    REQUIRE(segs.size() > 5);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      CHECK(segs[i].bytes <= 8192);
      CHECK(fs::path(segs[i].path).filename().string().size() == 24);
      if (i + 1 < segs.size()) CHECK(segs[i + 1].base_offset == segs[i].last_offset + 1);
    }
    CHECK(fs::path(segs[0].path).filename() == "00000000000000000001.log");
  }
  auto reader = LogReader::open(dir.path());
  REQUIRE(reader);
  auto all = (*reader)->query({});
  REQUIRE(all);
  CHECK(all->size() == 500);
  CHECK((*reader)->indexes_rebuilt() == 0);
}

TEST_CASE("recovery truncates a torn tail at every byte and keeps complete records",
          "[persist][log][recovery]") {
  TempDir src;
  constexpr std::uint64_t kRecords = 12;
  {
    auto log = open_log(src.path());
    for (std::uint64_t i = 1; i <= kRecords; ++i) REQUIRE(log->append(make_event(i)));
  }
  const fs::path seg = segment_files(src.path()).back();
  const std::string full = test::read_file(seg);
  // Record boundaries from a reader.
  std::vector<std::uint64_t> ends;
  {
    auto reader = LogReader::open(src.path());
    REQUIRE(reader);
    REQUIRE((*reader)->segments().size() == 1);
  }
  std::uint64_t pos = lf::kSegmentHeaderBytes;
  auto f = open_file(seg, FileMode::kRead);
  REQUIRE(f);
  while (pos < full.size()) {
    const auto len =
        static_cast<unsigned char>(full[pos]) | static_cast<unsigned char>(full[pos + 1]) << 8;
    pos += lf::kRecordHeaderBytes + len;
    ends.push_back(pos);
  }
  REQUIRE(ends.size() == kRecords);
  const std::uint64_t from = ends[kRecords - 4];  // the last three records, every byte
  for (std::uint64_t cut = from; cut <= full.size(); ++cut) {
    TempDir dir;
    test::write_file(dir / seg.filename().string(), full.substr(0, cut));
    LogOptions o;
    o.fsync = FsyncPolicy::kNone;  // hundreds of opens: keep the test fast
    auto log = open_log(dir.path(), o);
    const auto keep =
        static_cast<std::uint64_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    const auto& rep = log->recovery_report();
    INFO("cut at " << cut);
    CHECK(rep.records == keep);
    CHECK(rep.torn_bytes == cut - (keep == 0 ? lf::kSegmentHeaderBytes : ends[keep - 1]));
    CHECK(rep.torn_records == (rep.torn_bytes > 0 ? 1u : 0u));
    CHECK(rep.corruption.empty());
    auto all = log->query({});
    REQUIRE(all);
    CHECK(all->size() == keep);
    auto next = log->append(make_event(99));
    REQUIRE(next);
    CHECK(*next == keep + 1);
  }
}

TEST_CASE("mid-log corruption is reported with its position and later records are kept",
          "[persist][log][recovery]") {
  TempDir dir;
  LogOptions o;
  o.segment_bytes = 16384;
  {
    auto log = open_log(dir.path(), o);
    for (std::uint64_t i = 1; i <= 300; ++i) REQUIRE(log->append(make_event(i)));
  }
  auto segs = segment_files(dir.path());
  REQUIRE(segs.size() >= 3);
  for (const fs::path& victim : {segs[0], segs.back()}) {
    std::string bytes = test::read_file(victim);
    const std::uint64_t at = bytes.size() / 2;
    bytes[at] = static_cast<char>(bytes[at] ^ 0xff);
    test::write_file(victim, bytes);
  }
  fs::remove(fs::path(segs[0]).replace_extension(".idx"));  // force a rebuild of segment 0
  {
    auto reader = LogReader::open(dir.path());
    REQUIRE(reader);
    auto report = (*reader)->verify();
    REQUIRE(report);
    CHECK_FALSE(report->ok());
    REQUIRE(report->corruption.size() == 2);
    for (const auto& c : report->corruption) {
      CHECK(c.pos <= test::read_file(c.segment).size() / 2);
      CHECK(c.pos + c.bytes > test::read_file(c.segment).size() / 2);
      CHECK(c.reason == "checksum mismatch");
    }
    auto all = (*reader)->query({});
    REQUIRE(all);
    CHECK(all->size() == 298);
    CHECK(all->back().offset == 300);
  }
  auto log = open_log(dir.path(), o);
  CHECK(log->recovery_report().corruption.size() == 2);
  CHECK(log->recovery_report().torn_bytes == 0);
  CHECK(log->recovery_report().indexes_rebuilt == 1);
  auto next = log->append(make_event(301));
  REQUIRE(next);
  CHECK(*next == 301);  // offsets never shift around a skipped record
}

TEST_CASE("a missing or corrupt index is rebuilt and queries use the index",
          "[persist][log][index]") {
  TempDir dir;
  LogOptions o;
  o.segment_bytes = 64 << 10;
  {
    auto log = open_log(dir.path(), o);
    for (std::uint64_t i = 1; i <= 3000; ++i)
      REQUIRE(log->append(make_event(i, 1'000'000 + i * 10)));
  }
  auto segs = segment_files(dir.path());
  REQUIRE(segs.size() >= 4);
  fs::remove(fs::path(segs[0]).replace_extension(".idx"));
  test::write_file(fs::path(segs[1]).replace_extension(".idx"), "not an index");
  auto reader = LogReader::open(dir.path());
  REQUIRE(reader);
  CHECK((*reader)->indexes_rebuilt() == 2);
  CHECK((*reader)->open_corruption().empty());

  LogQuery by_offset;
  by_offset.from_offset = 1500;
  by_offset.to_offset = 1510;
  ScanStats stats;
  auto r = (*reader)->query(by_offset, &stats);
  REQUIRE(r);
  CHECK(offsets_of(*r).front() == 1500);
  CHECK(r->size() == 11);
  CHECK(stats.records_read < 400);  // one or two index blocks, not the whole log

  LogQuery by_time;
  by_time.from_wall_ms = 1'000'000 + 2000 * 10;
  by_time.to_wall_ms = 1'000'000 + 2004 * 10;
  ScanStats tstats;
  auto t = (*reader)->query(by_time, &tstats);
  REQUIRE(t);
  CHECK(offsets_of(*t) == std::vector<std::uint64_t>{2000, 2001, 2002, 2003, 2004});
  CHECK(tstats.records_read < 400);

  // The writer rewrites the side files it rebuilt.
  {
    auto log = open_log(dir.path(), o);
    CHECK(log->recovery_report().indexes_rebuilt == 2);
  }
  auto again = LogReader::open(dir.path());
  REQUIRE(again);
  CHECK((*again)->indexes_rebuilt() == 0);
}

TEST_CASE("retention deletes whole old segments by bytes and by age", "[persist][log][retention]") {
  struct FakeClock final : WallClock {
    std::uint64_t now = 0;
    std::uint64_t now_ms() const override { return now; }
  };
  TempDir dir;
  FakeClock clock;
  clock.now = 1'000'000;
  LogOptions o;
  o.segment_bytes = 8192;
  o.retention_bytes = 32768;
  o.clock = &clock;
  auto log = open_log(dir.path(), o);
  for (std::uint64_t i = 1; i <= 1000; ++i) REQUIRE(log->append(make_event(i, 1000 + i)));
  REQUIRE(log->flush());
  auto st = log->stats();
  CHECK(st.bytes <= 32768 + 8192);
  CHECK(st.segments_deleted > 0);
  CHECK(st.first_offset > 1);
  CHECK(segment_files(dir.path()).size() == st.segments);
  auto all = log->query({});
  REQUIRE(all);
  CHECK(all->front().offset == st.first_offset);
  CHECK(all->back().offset == 1000);
  REQUIRE(log->close());

  o.retention_bytes = 0;
  o.retention_age_ms = 1000;
  clock.now = 1000 + 900 + 1000 + 1;  // records up to wall 1900 are older than 1 s
  auto log2 = open_log(dir.path(), o);
  const auto segs = log2->segments();
  REQUIRE(!segs.empty());
  CHECK(segs.front().max_wall_ms + 1000 >= clock.now);
}

TEST_CASE("one writer per directory", "[persist][log][lock]") {
  TempDir dir;
  auto log = open_log(dir.path());
  auto second = EventLog::open(dir.path());
  REQUIRE_FALSE(second);
  CHECK(second.error().code() == ErrorCode::kAlreadyExists);
  CHECK(second.error().message().find(dir.path().string()) != std::string::npos);
  auto reader = LogReader::open(dir.path());  // readers need no lock
  CHECK(reader);
  REQUIRE(log->close());
  auto third = EventLog::open(dir.path());
  CHECK(third);
}

TEST_CASE("foreign directories and newer formats give clear errors", "[persist][log]") {
  TempDir dir;
  test::write_file(dir / "notes.txt", "hello");
  auto log = EventLog::open(dir.path());
  REQUIRE_FALSE(log);
  CHECK(log.error().code() == ErrorCode::kInvalid);
  CHECK(log.error().message().find("not an event log") != std::string::npos);

  CHECK(LogReader::open(dir / "missing").error().code() == ErrorCode::kNotFound);

  TempDir newer;
  std::string header = encode_segment_header(1);
  header[8] = 3;  // version 3, checksum irrelevant: the version is checked first
  test::write_file(newer / "00000000000000000001.log", header);
  auto r = EventLog::open(newer.path());
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == ErrorCode::kUnsupported);
  CHECK(LogReader::open(newer.path()).error().code() == ErrorCode::kUnsupported);
}

TEST_CASE("a record whose msgpack does not decode is counted and skipped", "[persist][log]") {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    REQUIRE(log->append(make_event(1)));
  }
  {
    auto f = open_file(segment_files(dir.path()).back(), FileMode::kReadWrite);
    REQUIRE(f);
    RecordWriter w(**f, (*f)->size().value());
    REQUIRE(w.add_record(2, 5, std::string("\x92\x01", 2)));  // truncated msgpack array
  }
  auto log = open_log(dir.path());
  REQUIRE(log->append(make_event(3)));
  ScanStats stats;
  auto all = log->query({}, &stats);
  REQUIRE(all);
  CHECK(offsets_of(*all) == std::vector<std::uint64_t>{1, 3});
  CHECK(stats.decode_errors == 1);
}

TEST_CASE("concurrent appenders with fsync always get durable, unique offsets", "[persist][log]") {
  TempDir dir;
  LogOptions o;
  o.fsync = FsyncPolicy::kAlways;
  auto log = open_log(dir.path(), o);
  std::vector<std::vector<std::uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto off = log->append(make_event(static_cast<std::uint64_t>(t * 100 + i)));
        if (off) got[static_cast<std::size_t>(t)].push_back(*off);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::uint64_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == 200);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i + 1);
  const auto st = log->stats();
  CHECK(st.durable_offset == 200);
  CHECK(st.syncs <= 200);
}

}  // namespace vsm::persist

namespace vsm::persist {

TEST_CASE("close during concurrent appends fails late appends with kClosed, loses none acked",
          "[persist][log]") {
  TempDir dir;
  LogOptions o;
  o.max_pending_bytes = 4096;  // appenders block on the writer, then on close
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> closed{0};
  {
    auto log = open_log(dir.path(), o);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (std::uint64_t i = 0; i < 2000; ++i) {
          auto r = log->append(make_event(static_cast<std::uint64_t>(t) * 10000 + i));
          if (r) {
            ++ok;
          } else {
            CHECK(r.error().code() == ErrorCode::kClosed);
            ++closed;
            return;
          }
        }
      });
    }
    REQUIRE(vsm::test::wait_until([&] { return ok.load() >= 500; }));
    REQUIRE(log->close());
    for (auto& th : threads) th.join();
  }
  auto log = open_log(dir.path(), o);
  CHECK(log->recovery_report().records == ok.load());
  CHECK(ok.load() + closed.load() >= 500);
}

}  // namespace vsm::persist
