// RecordWriter/RecordReader over an in-memory file: round trip, truncation at every
// byte, flipped bytes with resynchronisation, forced I/O errors.
#include "vsm/persist/record_reader.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "persist_test_util.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_writer.hpp"
#include "vsm/persist/segment_header.hpp"

namespace vsm::persist {
namespace {

namespace lf = log_format;
using test::MemFile;

struct Collect final : RecordReader::Reporter {
  struct Hit {
    std::uint64_t pos, bytes;
    std::string reason;
    std::uint64_t first_lost, last_lost;
  };
  std::vector<Hit> hits;
  void corruption(std::uint64_t pos, std::uint64_t bytes, std::string_view reason,
                  std::uint64_t first_lost, std::uint64_t last_lost) override {
    hits.push_back({pos, bytes, std::string(reason), first_lost, last_lost});
  }
};

std::string body_of(int i) { return "body-" + std::to_string(i) + std::string(i % 7, 'x'); }

// Writes n records starting at offset 1; returns each record's start position.
std::vector<std::uint64_t> fill(MemFile& f, int n) {
  std::vector<std::uint64_t> starts;
  RecordWriter w(f, f.data.size());
  for (int i = 1; i <= n; ++i) {
    starts.push_back(w.position());
    REQUIRE(w.add_record(static_cast<std::uint64_t>(i), 1000u + static_cast<std::uint64_t>(i),
                         body_of(i)));
  }
  return starts;
}

}  // namespace

TEST_CASE("crc32c matches the published check values", "[persist][crc]") {
  CHECK(crc32c::value("123456789") == 0xe3069283u);
  CHECK(crc32c::value(std::string(32, '\0')) == 0x8a9136aau);
  const std::string s = "hello, crc32c and a longer string to cross 8-byte strides";
  CHECK(crc32c::extend(crc32c::value(s.substr(0, 13)), s.data() + 13, s.size() - 13) ==
        crc32c::value(s));
  CHECK(crc32c::unmask(crc32c::mask(0x12345678u)) == 0x12345678u);
}

TEST_CASE("records round-trip", "[persist][record]") {
  MemFile f;
  fill(f, 50);
  Collect rep;
  RecordReader r(f, 0, f.data.size(), 0, &rep);
  std::uint64_t expect = 1;
  while (auto rec = r.next()) {
    CHECK(rec->offset == expect++);
    CHECK(rec->body == body_of(static_cast<int>(rec->offset)));
  }
  CHECK(expect == 51);
  CHECK(rep.hits.empty());
  CHECK(r.tail_bytes() == 0);
  CHECK(r.valid_end() == f.data.size());
}

TEST_CASE("truncation at every byte keeps exactly the complete records", "[persist][record]") {
  MemFile full;
  const auto starts = fill(full, 8);
  const std::uint64_t size = full.data.size();
  for (std::uint64_t cut = starts[4]; cut <= size; ++cut) {
    MemFile f;
    f.data = full.data.substr(0, cut);
    Collect rep;
    RecordReader r(f, 0, cut, 0, &rep);
    std::uint64_t n = 0;
    while (r.next()) ++n;
    std::uint64_t complete = 0;
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::uint64_t end = i + 1 < starts.size() ? starts[i + 1] : size;
      if (end <= cut) ++complete;
    }
    INFO("cut at " << cut);
    CHECK(n == complete);
    CHECK(rep.hits.empty());  // a torn tail is not mid-log corruption
    CHECK(r.valid_end() + r.tail_bytes() == cut);
  }
}

TEST_CASE("a flipped byte is reported at its record and later records are kept",
          "[persist][record]") {
  MemFile f;
  const auto starts = fill(f, 20);
  for (std::size_t victim : {std::size_t{0}, std::size_t{7}, std::size_t{19}}) {
    for (std::uint64_t delta :
         {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{10}, std::uint64_t{30}}) {
      MemFile g;
      g.data = f.data;
      const std::uint64_t end = victim + 1 < starts.size() ? starts[victim + 1] : f.data.size();
      const std::uint64_t at = std::min(starts[victim] + delta, end - 1);
      g.data[at] = static_cast<char>(g.data[at] ^ 0x5a);
      Collect rep;
      RecordReader r(g, 0, g.data.size(), 0, &rep);
      std::vector<std::uint64_t> got;
      while (auto rec = r.next()) got.push_back(rec->offset);
      INFO("victim " << victim << " byte " << at);
      CHECK(got.size() == 19);
      CHECK(std::find(got.begin(), got.end(), victim + 1) == got.end());
      if (victim + 1 < starts.size()) {
        REQUIRE(rep.hits.size() == 1);
        CHECK(rep.hits[0].pos == starts[victim]);
        CHECK(rep.hits[0].bytes == starts[victim + 1] - starts[victim]);
        CHECK(rep.hits[0].first_lost == victim + 1);  // exactly the damaged record
        CHECK(rep.hits[0].last_lost == victim + 1);
      } else {
        CHECK(rep.hits.empty());  // the damaged record is the tail
        CHECK(r.tail_bytes() == f.data.size() - starts[victim]);
      }
    }
  }
}

TEST_CASE("a zero-filled region and garbage are skipped", "[persist][record]") {
  MemFile f;
  fill(f, 3);
  const std::uint64_t hole = f.data.size();
  f.data.append(100, '\0');
  f.data.append("garbage that is not a record at all");
  const std::uint64_t after = f.data.size();
  RecordWriter w(f, f.data.size());
  REQUIRE(w.add_record(4, 1004, body_of(4)));
  Collect rep;
  RecordReader r(f, 0, f.data.size(), 0, &rep);
  std::vector<std::uint64_t> got;
  while (auto rec = r.next()) got.push_back(rec->offset);
  CHECK(got == std::vector<std::uint64_t>{1, 2, 3, 4});
  REQUIRE(rep.hits.size() == 1);
  CHECK(rep.hits[0].pos == hole);
  CHECK(rep.hits[0].bytes == after - hole);
  CHECK(rep.hits[0].reason == "zero-filled region");
  CHECK(rep.hits[0].first_lost == 0);  // offsets 3 and 4 are adjacent: no record lost
}

TEST_CASE("a record whose offset does not increase is rejected", "[persist][record]") {
  MemFile f;
  RecordWriter w(f, 0);
  REQUIRE(w.add_record(5, 1, "a"));
  REQUIRE(w.add_record(5, 1, "b"));
  REQUIRE(w.add_record(6, 1, "c"));
  Collect rep;
  RecordReader r(f, 0, f.data.size(), 0, &rep);
  std::vector<std::string> got;
  while (auto rec = r.next()) got.emplace_back(rec->body);
  CHECK(got == std::vector<std::string>{"a", "c"});
  CHECK(rep.hits.size() == 1);
}

TEST_CASE("forced I/O errors surface as status", "[persist][record]") {
  MemFile f;
  fill(f, 3);
  f.fail_reads = true;
  RecordReader r(f, 0, f.data.size(), 0, nullptr);
  CHECK_FALSE(r.next().has_value());
  REQUIRE_FALSE(r.status().ok());
  CHECK(r.status().error().code() == ErrorCode::kIo);

  MemFile g;
  g.fail_appends = true;
  RecordWriter w(g, 0);
  Status s = w.add_record(1, 1, "x");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kIo);
  CHECK(w.position() == 0);
}

TEST_CASE("segment header validation", "[persist][record]") {
  const std::string h = encode_segment_header(42);
  REQUIRE(h.size() == lf::kSegmentHeaderBytes);
  auto ok = decode_segment_header(h, "seg");
  REQUIRE(ok);
  CHECK(*ok == 42);

  std::string newer = h;
  newer[8] = 9;  // version 9
  auto r = decode_segment_header(newer, "seg");
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == ErrorCode::kUnsupported);
  CHECK(r.error().message().find("version 9") != std::string::npos);

  std::string flipped = h;
  flipped[17] ^= 1;
  CHECK(decode_segment_header(flipped, "seg").error().code() == ErrorCode::kCorruption);
  CHECK(decode_segment_header("hello", "seg").error().code() == ErrorCode::kInvalid);
}

}  // namespace vsm::persist
