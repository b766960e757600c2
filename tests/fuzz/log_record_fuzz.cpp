// Fuzz target "log_record" (fuzz_target.hpp): a log segment image (docs/LOG_FORMAT.md) read
// by the RecordReader, the segment header decoder, the sparse index parser and the
// envelope peek of every record body. Nothing crashes; records come out with increasing
// offsets inside the file; records read back after rewriting them are the same; an
// accepted index serializes to bytes that parse and serialize to the same bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "persist_test_util.hpp"
#include "segment_index.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/envelope_header.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_reader.hpp"
#include "vsm/persist/record_writer.hpp"
#include "vsm/persist/segment_header.hpp"

namespace {

namespace lf = vsm::persist::log_format;
using vsm::fuzz::fuzz_failure;
using vsm::persist::RecordReader;
using vsm::persist::test::MemFile;

constexpr std::size_t kMaxBody = 4096;  // small, so the limit is reached

struct Entry {
  std::uint64_t offset, wall_ms;
  std::string body;
  bool operator==(const Entry&) const = default;
};

// Every record of `file` after the segment header; checks the reader's invariants.
std::vector<Entry> read_all(MemFile& file, std::string_view input) {
  std::vector<Entry> out;
  RecordReader r(file, lf::kSegmentHeaderBytes, file.data.size(), 0, nullptr, kMaxBody);
  std::uint64_t prev = 0;
  while (auto rec = r.next()) {
    if (rec->offset <= prev) fuzz_failure("record offsets do not increase", input);
    if (rec->pos + rec->size > file.data.size()) fuzz_failure("a record outside the file", input);
    prev = rec->offset;
    (void)vsm::persist::peek_envelope(rec->body);
    out.push_back({rec->offset, rec->wall_ms, std::string(rec->body)});
  }
  const std::uint64_t end = std::max<std::uint64_t>(file.data.size(), lf::kSegmentHeaderBytes);
  if (r.valid_end() + r.tail_bytes() > end) fuzz_failure("the tail ends past the file", input);
  return out;
}

bool check_records(std::string_view input) {
  MemFile file;
  file.data.assign(input);
  const auto records = read_all(file, input);
  if (records.empty()) return false;
  MemFile again;
  again.data = vsm::persist::encode_segment_header(1);
  vsm::persist::RecordWriter w(again, again.data.size());
  for (const auto& e : records) {
    if (!w.add_record(e.offset, e.wall_ms, e.body)) fuzz_failure("a read record is refused", input);
  }
  if (read_all(again, input) != records) fuzz_failure("records changed across rewrite", input);
  return true;
}

bool check_index(std::string_view input) {
  auto idx = vsm::persist::detail::SegmentIndex::parse(input);
  if (!idx) return false;
  (void)idx->ranges(vsm::persist::LogQuery{});
  const std::string bytes = idx->serialize();
  auto again = vsm::persist::detail::SegmentIndex::parse(bytes);
  if (!again || again->serialize() != bytes) fuzz_failure("index is not a fixed point", input);
  return true;
}

bool one(std::string_view input) {
  const bool header = vsm::persist::decode_segment_header(input, "fuzz").ok();
  const bool records = check_records(input);
  const bool index = check_index(input);
  return header || records || index;
}

std::vector<std::string> seeds() {
  MemFile seg;
  seg.data = vsm::persist::encode_segment_header(1);
  vsm::persist::RecordWriter w(seg, seg.data.size());
  vsm::persist::detail::SegmentIndex idx(lf::kSegmentHeaderBytes, 256);
  for (std::uint64_t i = 1; i <= 6; ++i) {
    const auto event = vsm::persist::test::make_event(i);
    const std::string body = vsm::encode_event(event).value();
    const std::uint64_t pos = w.position();
    if (!w.add_record(i, event.ts.wall_ms, body)) fuzz_failure("seed record refused", body);
    idx.add({i, event.ts.wall_ms, pos, w.position() - pos,
             static_cast<std::uint8_t>(event.channel), i});
  }
  return {seg.data, idx.serialize()};
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"log_record", seeds, one};
  return target;
}
