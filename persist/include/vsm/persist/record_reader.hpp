// Reads framed records (log_format.hpp) from a File range, verifying every checksum.
// On a bad record it reports nothing yet and resynchronises: it scans forward byte by
// byte for a header that is plausible (type, length, increasing offset) and whose crc
// validates. If one is found, the skipped bytes are reported as corruption; if none is
// found before the end, they are left as tail_bytes() (a torn tail in the last
// segment; corruption elsewhere -- the caller decides).
// Not thread-safe; the File must outlive the reader. Never throws on any input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/persist/file.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

struct Record {
  std::uint64_t offset = 0;   // log offset from the header
  std::uint64_t wall_ms = 0;  // event HLC wall ms from the header
  std::uint64_t pos = 0;      // file position of the record header
  std::uint64_t size = 0;     // header + body bytes
  std::string_view body;      // valid until the next call to next()
  std::string_view fields;    // type | offset | wall_ms (17 bytes), for the hash chain
  std::string_view link;      // kRecordChained: the 32-byte chain link; else empty
};

class RecordReader {
 public:
  class Reporter {
   public:
    virtual ~Reporter() = default;
    // `bytes` starting at file position `pos` were skipped; `reason` says why the
    // first of them did not form a valid record. They held the records of offsets
    // first_lost..last_lost (both 0 when the record after them directly follows the
    // one before: no record was lost).
    virtual void corruption(std::uint64_t pos, std::uint64_t bytes, std::string_view reason,
                            std::uint64_t first_lost, std::uint64_t last_lost) = 0;
  };

  // Reads [start_pos, end_pos). `prev_offset` is the offset before the first expected
  // record (segment base - 1). `reporter` may be null.
  RecordReader(File& file, std::uint64_t start_pos, std::uint64_t end_pos,
               std::uint64_t prev_offset, Reporter* reporter,
               std::size_t max_body_bytes = log_format::kMaxRecordBodyBytes);

  // The next valid record, or empty at the end of the range or on an I/O error
  // (then status() is not ok).
  std::optional<Record> next();

  // Position just past the last valid record.
  std::uint64_t valid_end() const noexcept { return valid_end_; }
  // Offset of the last valid record (prev_offset before the first one).
  std::uint64_t last_offset() const noexcept { return prev_offset_; }
  // After next() returned empty: bytes after the last valid record holding none.
  std::uint64_t tail_bytes() const noexcept { return tail_bytes_; }
  // Why the tail did not parse (empty when tail_bytes() == 0).
  const std::string& tail_reason() const noexcept { return bad_reason_; }
  const Status& status() const noexcept { return status_; }

 private:
  struct Check {
    bool ok = false;
    std::uint64_t size = 0;
    const char* reason = nullptr;
  };
  Check check_at(std::uint64_t pos, bool resyncing);
  bool ensure(std::uint64_t pos, std::size_t n);
  const char* at(std::uint64_t pos) const { return buf_.data() + (pos - buf_pos_); }

  File& file_;
  std::uint64_t pos_;
  std::uint64_t end_;
  std::uint64_t prev_offset_;
  Reporter* reporter_;
  std::size_t max_body_;
  std::uint64_t valid_end_;
  std::uint64_t tail_bytes_ = 0;
  std::optional<std::uint64_t> bad_start_;  // set while resynchronising
  std::string bad_reason_;
  std::string buf_;
  std::uint64_t buf_pos_ = 0;
  Status status_;
};

}  // namespace vsm::persist
