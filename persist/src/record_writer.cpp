#include "vsm/persist/record_writer.hpp"

#include <cassert>

#include "coding.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist {

namespace lf = log_format;

void RecordWriter::put_header(char* h, std::size_t body_bytes, std::uint64_t offset,
                              std::uint64_t wall_ms, bool chained) noexcept {
  detail::encode_fixed(h, body_bytes + (chained ? lf::kChainBytes : 0), 4);
  detail::encode_fixed(h + 4, 0, 4);  // crc, set by seal()
  h[8] = static_cast<char>(chained ? lf::kRecordChained : lf::kRecordFull);
  detail::encode_fixed(h + 9, offset, 8);
  detail::encode_fixed(h + 17, wall_ms, 8);
}

void RecordWriter::seal(char* record, std::size_t record_bytes) noexcept {
  assert(record_bytes >= lf::kRecordHeaderBytes);
  const std::uint32_t crc =
      crc32c::value(record + lf::kRecordCrcStart, record_bytes - lf::kRecordCrcStart);
  detail::encode_fixed(record + 4, crc32c::mask(crc), 4);
}

void RecordWriter::frame(std::string& out, std::uint64_t offset, std::uint64_t wall_ms,
                         std::string_view body) {
  assert(body.size() <= lf::kMaxRecordBodyBytes);
  const std::size_t start = out.size();
  out.resize(start + lf::kRecordHeaderBytes);
  put_header(out.data() + start, body.size(), offset, wall_ms);
  out.append(body);
  seal(out.data() + start, out.size() - start);
}

Status RecordWriter::add_record(std::uint64_t offset, std::uint64_t wall_ms,
                                std::string_view body) {
  if (body.size() > lf::kMaxRecordBodyBytes) {
    return Error::too_large("record body of " + std::to_string(body.size()) +
                            " bytes exceeds the log's 16 MiB record limit");
  }
  buf_.clear();
  frame(buf_, offset, wall_ms, body);
  Status s = file_.append(buf_);
  if (s) pos_ += buf_.size();
  return s;
}

}  // namespace vsm::persist
