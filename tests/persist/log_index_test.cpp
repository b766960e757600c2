// The sparse index narrows scans: offset ranges seek by binary search, and a
// channel's Event::seq range reads only the blocks that hold it (index v2), in the live
// writer, after reopening from the .idx side files and after rebuilding them. Also
// replay_raw (no decode) and append_encoded.
#include <catch2/catch.hpp>

#include "persist_test_util.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsm::persist {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr std::uint64_t kEvents = 20'000;

// Round-robin over the five channels; seq counts per channel, as a publisher does.
Event channel_event(std::uint64_t i) {
  Event e = test::make_event(i);
  e.channel = static_cast<Channel>(i % kChannelCount);
  e.seq = i / kChannelCount + 1;
  e.ts.node = "node-a";
  return e;
}

void fill(const fs::path& dir) {
  auto log = EventLog::open(dir, {}).value();
  for (std::uint64_t i = 0; i < kEvents; ++i) REQUIRE(log->append(channel_event(i)));
}

LogQuery audit_seq(std::uint64_t from, std::uint64_t to) {
  LogQuery q;
  q.channel = Channel::kAudit;
  q.publisher = "node-a";
  q.from_seq = from;
  q.to_seq = to;
  return q;
}

template <typename Log>
void check_narrow_scans(Log& log) {
  ScanStats stats;
  auto r = log.query(audit_seq(3000, 3009), &stats);
  REQUIRE(r);
  REQUIRE(r->size() == 10);
  CHECK(r->front().event.seq == 3000);
  CHECK(r->back().event.seq == 3009);
  // One or two 16 KiB index blocks (~110 records each) of 20,000 records are read, and
  // only the ten matches are decoded.
  CHECK(stats.records_read < 400);
  CHECK(stats.records_decoded == 10);

  ScanStats by_offset;
  LogQuery q;
  q.from_offset = 12'345;
  q.to_offset = 12'349;
  auto o = log.query(q, &by_offset);
  REQUIRE(o);
  CHECK(o->size() == 5);
  CHECK(by_offset.records_read < 400);

  ScanStats none;
  auto empty = log.query(audit_seq(9'000'000, 9'000'010), &none);
  REQUIRE(empty);
  CHECK(empty->empty());
  CHECK(none.records_read == 0);
}

}  // namespace

TEST_CASE("a channel's seq range reads only the index blocks that hold it",
          "[persist][index]") {
  TempDir dir;
  {
    auto log = EventLog::open(dir.path(), {}).value();
    for (std::uint64_t i = 0; i < kEvents; ++i) REQUIRE(log->append(channel_event(i)));
    check_narrow_scans(*log);  // the writer's in-memory index
  }
  {
    auto reader = LogReader::open(dir.path()).value();
    check_narrow_scans(*reader);  // the last segment scanned at open
  }
  // Filtering without a seq range still skips decoding non-matching records.
  auto reader = LogReader::open(dir.path()).value();
  LogQuery q;
  q.type = "policy_update";
  ScanStats stats;
  auto r = reader->query(q, &stats);
  REQUIRE(r);
  CHECK(r->size() == kEvents / 4);
  CHECK(stats.records_read == kEvents);
  CHECK(stats.records_decoded == kEvents / 4);
}

TEST_CASE("sealed segments keep seq ranges in the .idx file; old or missing ones are rebuilt",
          "[persist][index]") {
  TempDir dir;
  LogOptions o;
  o.segment_bytes = 256 << 10;
  {
    auto log = EventLog::open(dir.path(), o).value();
    for (std::uint64_t i = 0; i < kEvents; ++i) REQUIRE(log->append(channel_event(i)));
    REQUIRE(log->flush());
    REQUIRE(log->segments().size() > 4);
  }
  {
    auto reader = LogReader::open(dir.path()).value();
    CHECK(reader->indexes_rebuilt() == 0);
    check_narrow_scans(*reader);
  }
  // A version-1 side file (no seq ranges) and a deleted one are rebuilt by scanning.
  std::vector<fs::path> idx;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().extension() == ".idx") idx.push_back(e.path());
  }
  std::sort(idx.begin(), idx.end());
  REQUIRE(idx.size() >= 2);
  std::string old = test::read_file(idx[0]);
  old[8] = 1;  // version 1
  test::write_file(idx[0], old);
  fs::remove(idx[1]);
  auto reader = LogReader::open(dir.path()).value();
  CHECK(reader->indexes_rebuilt() == 2);
  check_narrow_scans(*reader);
}

TEST_CASE("replay_raw visits the stored envelopes without decoding them", "[persist][query]") {
  TempDir dir;
  fill(dir.path());
  auto reader = LogReader::open(dir.path()).value();
  LogQuery q = audit_seq(10, 14);
  std::vector<std::string> seen;
  ScanStats stats;
  REQUIRE(reader->replay_raw(
      q,
      [&](const RawEntry& e) {
        seen.emplace_back(e.envelope);
        return true;
      },
      &stats));
  REQUIRE(seen.size() == 5);
  CHECK(stats.records_decoded == 0);
  CHECK(decode_event(seen.front()).value() == channel_event(9 * kChannelCount + 2));
  q.limit = 2;
  std::size_t limited = 0;
  REQUIRE(reader->replay_raw(q, [&](const RawEntry&) { return ++limited < 100; }));
  CHECK(limited == 2);
}

TEST_CASE("max_records_read bounds the work of a scan and says where to resume",
          "[persist][query]") {
  TempDir dir;
  fill(dir.path());
  auto reader = LogReader::open(dir.path()).value();
  LogQuery q;
  q.type = "policy_update";
  q.max_records_read = 3000;
  std::vector<std::uint64_t> offsets;
  std::uint64_t read = 0;
  int calls = 0;
  for (;;) {
    ScanStats stats;
    REQUIRE(reader->replay_raw(
        q,
        [&](const RawEntry& e) {
          offsets.push_back(e.offset);
          return true;
        },
        &stats));
    read += stats.records_read;
    ++calls;
    if (stats.resume_offset == 0) break;
    // Records before from_offset (the head of the first index block) are not counted.
    CHECK(stats.resume_offset == std::max<std::uint64_t>(q.from_offset, 1) + 3000);
    q.from_offset = stats.resume_offset;
  }
  CHECK(calls == 7);
  CHECK(read >= kEvents);
  REQUIRE(offsets.size() == kEvents / 4);
  CHECK(std::adjacent_find(offsets.begin(), offsets.end(), std::greater_equal<>()) ==
        offsets.end());
}

TEST_CASE("append_encoded stores a pre-encoded envelope and indexes it", "[persist][log]") {
  TempDir dir;
  auto log = EventLog::open(dir.path(), {}).value();
  const Event e = channel_event(7);
  const std::string bytes = encode_event(e).value();
  auto off = log->append_encoded(bytes);
  REQUIRE(off);
  CHECK(*off == 1);
  auto bad = log->append_encoded("not msgpack");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == ErrorCode::kInvalid);
  auto all = log->query(audit_seq(e.seq, e.seq));
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  CHECK(all->front().event == e);
  CHECK(log->stats().last_offset == 1);
}

}  // namespace vsm::persist
