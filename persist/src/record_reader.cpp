#include "vsm/persist/record_reader.hpp"

#include <algorithm>

#include "coding.hpp"
#include "vsm/persist/crc32c.hpp"

namespace vsm::persist {

namespace lf = log_format;

namespace {
constexpr std::size_t kReadChunkBytes = 1u << 20;
}

RecordReader::RecordReader(File& file, std::uint64_t start_pos, std::uint64_t end_pos,
                           std::uint64_t prev_offset, Reporter* reporter,
                           std::size_t max_body_bytes)
    : file_(file),
      pos_(start_pos),
      end_(std::max(start_pos, end_pos)),
      prev_offset_(prev_offset),
      reporter_(reporter),
      max_body_(std::min(max_body_bytes, lf::kMaxRecordBodyBytes)),
      valid_end_(start_pos) {}

bool RecordReader::ensure(std::uint64_t pos, std::size_t n) {
  if (pos + n > end_) return false;
  if (pos >= buf_pos_ && pos + n <= buf_pos_ + buf_.size()) return true;
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(std::max(n, kReadChunkBytes), end_ - pos));
  buf_.resize(want);
  auto got = file_.read_at(pos, buf_.data(), want);
  if (!got) {
    status_ = got.error();
    buf_.clear();
    return false;
  }
  buf_.resize(*got);
  buf_pos_ = pos;
  if (*got < n) end_ = pos + *got;  // the file shrank under us: treat as the end
  return *got >= n;
}

RecordReader::Check RecordReader::check_at(std::uint64_t pos, bool resyncing) {
  if (!ensure(pos, lf::kRecordHeaderBytes)) return {false, 0, "partial record header"};
  const char* h = at(pos);
  const std::uint64_t length = detail::decode_u32(h);
  const auto type = static_cast<std::uint8_t>(h[8]);
  const std::uint64_t offset = detail::decode_u64(h + 9);
  if (type == lf::kRecordZero && length == 0) return {false, 0, "zero-filled region"};
  if (type != lf::kRecordFull && type != lf::kRecordChained) {
    return {false, 0, "unknown record type"};
  }
  const std::uint64_t link = type == lf::kRecordChained ? lf::kChainBytes : 0;
  if (length < link) return {false, 0, "chained record shorter than its link"};
  if (length - link > max_body_) return {false, 0, "record length exceeds the limit"};
  // Offsets increase by one per record, so after skipping k bytes at most
  // k / header_bytes records can have been lost.
  const std::uint64_t max_offset =
      resyncing ? prev_offset_ + 1 + (pos - *bad_start_) / lf::kRecordHeaderBytes : UINT64_MAX;
  if (offset <= prev_offset_ || offset > max_offset)
    return {false, 0, "record offset out of order"};
  const std::uint64_t size = lf::kRecordHeaderBytes + length;
  if (!ensure(pos, size)) return {false, 0, "record extends past the end (torn write)"};
  h = at(pos);
  const std::uint32_t stored = crc32c::unmask(detail::decode_u32(h + 4));
  if (crc32c::value(h + lf::kRecordCrcStart, size - lf::kRecordCrcStart) != stored) {
    return {false, 0, "checksum mismatch"};
  }
  return {true, size, nullptr};
}

std::optional<Record> RecordReader::next() {
  while (pos_ < end_ && status_.ok()) {
    const Check c = check_at(pos_, bad_start_.has_value());
    if (!status_.ok()) break;
    if (!c.ok) {
      if (!bad_start_) {
        bad_start_ = pos_;
        bad_reason_ = c.reason;
      }
      ++pos_;
      continue;
    }
    if (bad_start_) {
      if (reporter_ != nullptr) {
        const std::uint64_t next = detail::decode_u64(at(pos_) + 9);
        const bool lost = next > prev_offset_ + 1;
        reporter_->corruption(*bad_start_, pos_ - *bad_start_, bad_reason_,
                              lost ? prev_offset_ + 1 : 0, lost ? next - 1 : 0);
      }
      bad_start_.reset();
      bad_reason_.clear();
    }
    const char* h = at(pos_);
    Record r;
    r.offset = detail::decode_u64(h + 9);
    r.wall_ms = detail::decode_u64(h + 17);
    r.pos = pos_;
    r.size = c.size;
    const std::size_t link =
        static_cast<std::uint8_t>(h[8]) == lf::kRecordChained ? lf::kChainBytes : 0;
    r.fields =
        std::string_view(h + lf::kRecordCrcStart, lf::kRecordHeaderBytes - lf::kRecordCrcStart);
    r.link = std::string_view(h + lf::kRecordHeaderBytes, link);
    r.body =
        std::string_view(h + lf::kRecordHeaderBytes + link, c.size - lf::kRecordHeaderBytes - link);
    prev_offset_ = r.offset;
    pos_ += c.size;
    valid_end_ = pos_;
    return r;
  }
  if (bad_start_) tail_bytes_ = end_ - *bad_start_;
  return std::nullopt;
}

}  // namespace vsm::persist
