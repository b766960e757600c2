// Frames log records (layout in log_format.hpp) and appends them to a File.
// The static frame() is what the EventLog hot path uses to build one buffer per group
// commit; RecordWriter is the simple one-record-at-a-time form used by tools and tests.
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
