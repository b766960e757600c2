// Damage is never silent and never total (docs/LOG_FORMAT.md "Damage"), on real files:
// a damaged segment header costs that segment (writer and readers open, report it and
// go on); a missing segment and a cut-off or zero-filled end of a sealed segment are
// reported by replay and verify with the offsets lost.
#include <catch2/catch.hpp>

#include "persist_test_util.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsm::persist {
namespace {

namespace fs = std::filesystem;
namespace lf = log_format;
using test::make_event;
using test::TempDir;

// A log of `n` events in segments of 8 KiB; returns the segments.
std::vector<SegmentInfo> fill(const fs::path& dir, std::uint64_t n) {
  LogOptions o;
  o.segment_bytes = 8192;
  o.fsync = FsyncPolicy::kNone;
  auto log = EventLog::open(dir, o).value();
  for (std::uint64_t i = 1; i <= n; ++i) REQUIRE(log->append(make_event(i)));
  return log->segments();
}

void copy_dir(const fs::path& from, const fs::path& to) {
  for (const auto& e : fs::directory_iterator(from)) fs::copy(e.path(), to / e.path().filename());
}

void flip_bit(const fs::path& file, std::uint64_t byte, int bit) {
  std::string bytes = test::read_file(file);
  bytes[byte] = static_cast<char>(bytes[byte] ^ (1 << bit));
  test::write_file(file, bytes);
}

std::vector<std::uint64_t> offsets(const std::vector<LogEntry>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& e : v) out.push_back(e.offset);
  return out;
}

std::vector<std::uint64_t> all_but(std::uint64_t n, std::uint64_t lo, std::uint64_t hi) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = 1; i <= n; ++i) {
    if (i < lo || i > hi) v.push_back(i);
  }
  return v;
}

// Replays everything with a fresh reader; returns the offsets and the damage report.
std::pair<std::vector<std::uint64_t>, ScanStats> replay_all(const fs::path& dir) {
  auto reader = LogReader::open(dir);
  REQUIRE(reader);
  ScanStats stats;
  auto all = (*reader)->query({}, &stats);
  REQUIRE(all);
  return {offsets(*all), stats};
}

}  // namespace

TEST_CASE("one flipped bit in a sealed segment's header costs that segment, not the log",
          "[persist][damage]") {
  TempDir src;
  constexpr std::uint64_t kEvents = 200;
  const auto segs = fill(src.path(), kEvents);
  REQUIRE(segs.size() >= 4);
  const SegmentInfo victim = segs[1];
  // Every covered header byte: magic, version, header_bytes, flags, base offset, crc.
  for (std::uint64_t byte = 0; byte < lf::kSegmentHeaderCrcBytes + 4; ++byte) {
    TempDir dir;
    copy_dir(src.path(), dir.path());
    const fs::path path = dir / fs::path(victim.path).filename().string();
    flip_bit(path, byte, static_cast<int>(byte % 8));
    INFO("byte " << byte);

    auto [got, stats] = replay_all(dir.path());
    CHECK(got == all_but(kEvents, victim.first_offset, victim.last_offset));
    REQUIRE(stats.corruption.size() == 1);
    const CorruptRegion& c = stats.corruption[0];
    CHECK(c.segment == path.string());
    CHECK(c.pos == 0);
    CHECK(c.bytes == victim.bytes);
    CHECK(c.first_offset == victim.first_offset);
    CHECK(c.last_offset == victim.last_offset);
    CHECK(c.estimated_events == victim.records);
    CHECK(c.reason.find("damaged segment header") != std::string::npos);

    auto verify = LogReader::open(dir.path()).value()->verify();
    REQUIRE(verify);
    CHECK_FALSE(verify->ok());

    auto log = EventLog::open(dir.path(), {});
    REQUIRE(log);
    const RecoveryReport& rep = (*log)->recovery_report();
    CHECK(rep.damaged_segments == std::vector<std::string>{path.string()});
    CHECK((*log)->stats().damaged_segments == 1);
    auto next = (*log)->append(make_event(kEvents + 1));
    REQUIRE(next);
    CHECK(*next == kEvents + 1);
  }
}

TEST_CASE("a damaged header of the last segment: the writer starts a new segment after it",
          "[persist][damage]") {
  TempDir dir;
  constexpr std::uint64_t kEvents = 120;
  const auto segs = fill(dir.path(), kEvents);
  const SegmentInfo last = segs.back();
  REQUIRE(last.records > 0);
  flip_bit(last.path, 20, 3);  // inside the base offset
  auto log = EventLog::open(dir.path(), {}).value();
  const auto& rep = log->recovery_report();
  REQUIRE(rep.damaged_segments.size() == 1);
  REQUIRE_FALSE(rep.corruption.empty());
  CHECK(rep.corruption.back().first_offset == last.first_offset);
  CHECK(rep.corruption.back().last_offset == kEvents);  // salvaged: each record has a crc
  // Offsets and seqs that may have been seen are never reused.
  auto next = log->append(make_event(kEvents + 1));
  REQUIRE(next);
  CHECK(*next == kEvents + 1);
  auto seqs = log->last_seqs("node-0");
  REQUIRE(seqs);
  std::uint64_t max_seq = 0;
  for (auto s : *seqs) max_seq = std::max(max_seq, s);
  CHECK(max_seq == kEvents);  // make_event(i): seq i, node-(i % 2); kEvents is even
}

TEST_CASE("a missing middle segment is a verify error and reported damage",
          "[persist][damage]") {
  TempDir dir;
  constexpr std::uint64_t kEvents = 200;
  const auto segs = fill(dir.path(), kEvents);
  REQUIRE(segs.size() >= 4);
  const SegmentInfo gone = segs[2];
  fs::remove(gone.path);
  fs::remove(fs::path(gone.path).replace_extension(".idx"));

  auto verify = LogReader::open(dir.path()).value()->verify();
  REQUIRE(verify);
  CHECK_FALSE(verify->ok());
  REQUIRE(verify->corruption.size() == 1);
  CHECK(verify->corruption[0].first_offset == gone.first_offset);
  CHECK(verify->corruption[0].last_offset == gone.last_offset);
  CHECK(verify->corruption[0].segment == segs[1].path);

  auto [got, stats] = replay_all(dir.path());
  CHECK(got == all_but(kEvents, gone.first_offset, gone.last_offset));
  REQUIRE(stats.corruption.size() == 1);
  CHECK(stats.corruption[0].estimated_events == gone.records);
  CHECK(stats.corruption[0].reason.find("in no segment") != std::string::npos);

  // A query that ends before the gap does not report it; one inside it does.
  auto reader = LogReader::open(dir.path()).value();
  LogQuery before;
  before.to_offset = segs[1].first_offset;
  ScanStats none;
  REQUIRE(reader->query(before, &none));
  CHECK(none.corruption.empty());
  LogQuery inside;
  inside.from_offset = gone.first_offset + 1;
  inside.to_offset = gone.first_offset + 2;
  ScanStats hit;
  auto r = reader->query(inside, &hit);
  REQUIRE(r);
  CHECK(r->empty());
  CHECK(hit.corruption.size() == 1);

  auto log = EventLog::open(dir.path(), {}).value();
  CHECK(log->recovery_report().corruption.size() == 1);
}

TEST_CASE("a cut-off or zero-filled end of a sealed segment is reported by replay",
          "[persist][damage]") {
  TempDir src;
  constexpr std::uint64_t kEvents = 200;
  const auto segs = fill(src.path(), kEvents);
  const SegmentInfo victim = segs[1];
  const std::uint64_t cut = victim.bytes - 200;  // inside one of the last two records
  SECTION("truncated mid-record") {
    TempDir dir;
    copy_dir(src.path(), dir.path());
    const fs::path path = dir / fs::path(victim.path).filename().string();
    fs::resize_file(path, cut);
    auto [got, stats] = replay_all(dir.path());
    REQUIRE(stats.corruption.size() == 1);
    const CorruptRegion& c = stats.corruption[0];
    CHECK(c.segment == path.string());
    CHECK(c.last_offset == victim.last_offset);
    CHECK(got == all_but(kEvents, c.first_offset, c.last_offset));
    CHECK(c.estimated_events == c.last_offset - c.first_offset + 1);
    CHECK(c.estimated_events >= 1);
    CHECK(c.pos + c.bytes == cut);
    auto verify = LogReader::open(dir.path()).value()->verify();
    REQUIRE(verify);
    CHECK(verify->corruption.size() == 1);
  }
  SECTION("zero-filled, the index still valid") {
    TempDir dir;
    copy_dir(src.path(), dir.path());
    const fs::path path = dir / fs::path(victim.path).filename().string();
    std::string bytes = test::read_file(path);
    std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(cut), bytes.end(), '\0');
    test::write_file(path, bytes);
    auto [got, stats] = replay_all(dir.path());
    REQUIRE(stats.corruption.size() == 1);
    const CorruptRegion& c = stats.corruption[0];
    CHECK(c.pos + c.bytes == victim.bytes);
    CHECK(c.last_offset == victim.last_offset);
    CHECK(got == all_but(kEvents, c.first_offset, c.last_offset));
    auto log = EventLog::open(dir.path(), {}).value();  // the writer opens and goes on
    REQUIRE(log->append(make_event(kEvents + 1)));
  }
  SECTION("truncated at a record boundary") {
    TempDir dir;
    copy_dir(src.path(), dir.path());
    const fs::path path = dir / fs::path(victim.path).filename().string();
    auto reader = LogReader::open(src.path()).value();
    LogQuery last_two;
    last_two.from_offset = victim.last_offset - 1;
    last_two.to_offset = victim.last_offset - 1;
    REQUIRE(reader->query(last_two).value().size() == 1);
    // Cut exactly before the last record: found by scanning record headers.
    auto f = open_file(path, FileMode::kRead).value();
    std::uint64_t pos = lf::kSegmentHeaderBytes;
    std::uint64_t last_start = pos;
    std::string h(4, '\0');
    while (pos < victim.bytes) {
      last_start = pos;
      REQUIRE(f->read_at(pos, h.data(), 4).value() == 4);
      pos += lf::kRecordHeaderBytes + (static_cast<unsigned char>(h[0]) |
                                       static_cast<unsigned>(static_cast<unsigned char>(h[1])) << 8);
    }
    f.reset();
    fs::resize_file(path, last_start);
    auto [got, stats] = replay_all(dir.path());
    REQUIRE(stats.corruption.size() == 1);
    CHECK(stats.corruption[0].bytes == 0);
    CHECK(stats.corruption[0].first_offset == victim.last_offset);
    CHECK(stats.corruption[0].estimated_events == 1);
    CHECK(got == all_but(kEvents, victim.last_offset, victim.last_offset));
  }
}

}  // namespace vsm::persist
