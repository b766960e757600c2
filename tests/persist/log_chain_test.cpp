// The hash chain of version 2 segments (persist/src/chain.*, docs/LOG_FORMAT.md "Hash
// chain"): appends chain every record, across rolls and reopens; LogReader::verify()
// names the first record that does not follow its predecessor, even when a tamperer
// fixed its checksum; a version 1 log from an older build keeps working and new records
// go to a chained segment.
#include <catch2/catch.hpp>
#include <filesystem>

#include "persist_test_util.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/event_log.hpp"
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

std::vector<fs::path> segment_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void append(const fs::path& dir, std::uint64_t from, std::uint64_t to, LogOptions o = {}) {
  o.fsync = FsyncPolicy::kNone;
  auto log = EventLog::open(dir, o);
  REQUIRE(log);
  for (std::uint64_t i = from; i <= to; ++i) REQUIRE((*log)->append(make_event(i)));
}

VerifyReport verify(const fs::path& dir) {
  auto reader = LogReader::open(dir);
  REQUIRE(reader);
  auto report = (*reader)->verify();
  REQUIRE(report);
  return *report;
}

std::size_t record_length(const std::string& seg, std::size_t pos) {
  return static_cast<std::size_t>(static_cast<unsigned char>(seg[pos])) |
         static_cast<std::size_t>(static_cast<unsigned char>(seg[pos + 1])) << 8 |
         static_cast<std::size_t>(static_cast<unsigned char>(seg[pos + 2])) << 16;
}

// Start of each record of a segment file.
std::vector<std::size_t> record_starts(const std::string& seg) {
  std::vector<std::size_t> out;
  for (std::size_t pos = lf::kSegmentHeaderBytes; pos + lf::kRecordHeaderBytes <= seg.size();) {
    out.push_back(pos);
    pos += lf::kRecordHeaderBytes + record_length(seg, pos);
  }
  return out;
}

// What a careful tamperer does: change a body byte and fix the record's checksum.
void tamper(std::string& seg, std::size_t record_start) {
  const std::size_t end = record_start + lf::kRecordHeaderBytes + record_length(seg, record_start);
  seg[end - 1] = static_cast<char>(seg[end - 1] ^ 0x01);
  const std::uint32_t crc = crc32c::mask(
      crc32c::value(seg.data() + record_start + lf::kRecordCrcStart, end - record_start - 8));
  for (int i = 0; i < 4; ++i) seg[record_start + 4 + i] = static_cast<char>(crc >> (8 * i));
}

}  // namespace

TEST_CASE("chain: every record is chained, across rolls and reopens", "[persist][chain]") {
  TempDir dir;
  LogOptions small;
  small.segment_bytes = 4096;  // several segments
  append(dir.path(), 1, 60, small);
  append(dir.path(), 61, 80, small);  // the chain continues after a reopen
  const auto report = verify(dir.path());
  CHECK(report.ok());
  CHECK(report.records == 80);
  CHECK(report.unchained_segments == 0);
  CHECK(report.chain_heads.size() == segment_files(dir.path()).size());
  CHECK(report.chain_heads.size() > 2);
  const std::string seg = test::read_file(segment_files(dir.path()).front());
  CHECK(static_cast<unsigned char>(seg[8]) == lf::kSegmentVersion);
  CHECK(static_cast<unsigned char>(seg[lf::kSegmentHeaderBytes + 8]) == lf::kRecordChained);
}

TEST_CASE("chain: a record changed with its checksum fixed is named", "[persist][chain]") {
  TempDir dir;
  append(dir.path(), 1, 10);
  const fs::path path = segment_files(dir.path()).front();
  std::string seg = test::read_file(path);
  const auto starts = record_starts(seg);
  REQUIRE(starts.size() == 10);
  tamper(seg, starts[4]);  // offset 5
  test::write_file(path, seg);
  auto report = verify(dir.path());
  REQUIRE(report.corruption.size() == 1);
  const auto& c = report.corruption.front();
  CHECK(c.first_offset == 5);
  CHECK(c.last_offset == 5);
  CHECK(c.reason.find("hash chain broken") != std::string::npos);
  CHECK(c.pos == starts[4]);
  CHECK_FALSE(report.ok());
  // Its events still read (the checksums pass): damage is reported, never total.
  auto reader = LogReader::open(dir.path()).value();
  CHECK(reader->query({}).value().size() == 10);
}

TEST_CASE("chain: a removed record breaks the chain at its successor", "[persist][chain]") {
  TempDir dir;
  append(dir.path(), 1, 6);
  const fs::path path = segment_files(dir.path()).front();
  std::string seg = test::read_file(path);
  const auto starts = record_starts(seg);
  seg.erase(starts[2], starts[3] - starts[2]);  // offset 3 gone
  test::write_file(path, seg);
  auto report = verify(dir.path());
  // Cut at record boundaries, the checksums see nothing wrong; the chain does.
  REQUIRE(report.corruption.size() == 1);
  CHECK(report.corruption.front().first_offset == 4);
  CHECK(report.corruption.front().reason.find("hash chain broken") != std::string::npos);
}

TEST_CASE("chain: bytes skipped as damage are not reported twice", "[persist][chain]") {
  TempDir dir;
  append(dir.path(), 1, 6);
  const fs::path path = segment_files(dir.path()).front();
  std::string seg = test::read_file(path);
  const auto starts = record_starts(seg);
  seg[starts[2] + lf::kRecordHeaderBytes + 40] ^= 0x55;  // offset 3: checksum fails
  test::write_file(path, seg);
  auto report = verify(dir.path());
  REQUIRE(report.corruption.size() == 1);
  CHECK(report.corruption.front().first_offset == 3);
  CHECK(report.corruption.front().reason.find("hash chain") == std::string::npos);
}

TEST_CASE("chain: a version 1 log keeps working, new records are chained", "[persist][chain]") {
  TempDir dir;
  {  // A log as the previous build wrote it: version 1 header, kRecordFull records.
    std::string header = encode_segment_header(1);
    header[8] = 1;
    const std::uint32_t crc =
        crc32c::mask(crc32c::value(header.data(), lf::kSegmentHeaderCrcBytes));
    for (int i = 0; i < 4; ++i) header[24 + i] = static_cast<char>(crc >> (8 * i));
    std::string seg = header;
    for (std::uint64_t i = 1; i <= 3; ++i) {
      RecordWriter::frame(seg, i, 1000 + i, encode_event(make_event(i)).value());
    }
    test::write_file(dir / "00000000000000000001.log", seg);
  }
  append(dir.path(), 4, 6);
  const auto files = segment_files(dir.path());
  REQUIRE(files.size() == 2);
  CHECK(files.back().filename() == "00000000000000000004.log");
  auto report = verify(dir.path());
  CHECK(report.ok());
  CHECK(report.records == 6);
  CHECK(report.unchained_segments == 1);
  CHECK(report.chain_heads.size() == 1);
  auto reader = LogReader::open(dir.path()).value();
  CHECK(reader->query({}).value().size() == 6);
}

TEST_CASE("chain: hash_chain off writes plain records; a switch starts a new segment",
          "[persist][chain]") {
  TempDir dir;
  LogOptions off;
  off.hash_chain = false;
  append(dir.path(), 1, 5, off);
  auto plain = verify(dir.path());
  CHECK(plain.ok());
  CHECK(plain.unchained_segments == 1);
  CHECK(plain.chain_heads.empty());
  const std::string seg = test::read_file(segment_files(dir.path()).front());
  CHECK(static_cast<unsigned char>(seg[lf::kSegmentHeaderBytes + 8]) == lf::kRecordFull);
  append(dir.path(), 6, 8);  // on again: a new, chained segment
  REQUIRE(segment_files(dir.path()).size() == 2);
  auto mixed = verify(dir.path());
  CHECK(mixed.ok());
  CHECK(mixed.records == 8);
  CHECK(mixed.unchained_segments == 1);
  CHECK(mixed.chain_heads.size() == 1);
}

}  // namespace vsm::persist
