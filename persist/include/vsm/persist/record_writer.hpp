// Frames log records (layout in log_format.hpp) and appends them to a File.
// The EventLog hot path encodes each event in place into its group-commit buffer after
// put_header() and seals (crc) the whole group before writing it; RecordWriter is the
// simple one-record-at-a-time form used by tools and tests.
// Not thread-safe; the File must outlive the writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/persist/file.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

class RecordWriter {
 public:
  // `file_pos` is the current end of `file` (the segment header already written).
  RecordWriter(File& file, std::uint64_t file_pos) : file_(file), pos_(file_pos) {}

  // Appends the framed record (header + body) to `out`.
  // REQUIRES: body.size() <= log_format::kMaxRecordBodyBytes.
  static void frame(std::string& out, std::uint64_t offset, std::uint64_t wall_ms,
                    std::string_view body);
  // The two halves of frame() for callers that write the body in place: put_header()
  // fills the kRecordHeaderBytes at `h` except the crc; seal() computes the crc of the
  // complete record at `record` (header + body, `record_bytes` long) and stores it.
  // `chained`: a kRecordChained header, whose length also counts the kChainBytes link
  // that follows the header (the caller fills it in before seal()).
  static void put_header(char* h, std::size_t body_bytes, std::uint64_t offset,
                         std::uint64_t wall_ms, bool chained = false) noexcept;
  static void seal(char* record, std::size_t record_bytes) noexcept;

  // Frames and appends one record; on error the file may hold a partial record,
  // which recovery truncates.
  Status add_record(std::uint64_t offset, std::uint64_t wall_ms, std::string_view body);

  std::uint64_t position() const noexcept { return pos_; }

 private:
  File& file_;
  std::uint64_t pos_;
  std::string buf_;
};

}  // namespace vsm::persist
