#include "vsm/persist/segment_header.hpp"

#include <algorithm>

#include "coding.hpp"
#include "vsm/persist/crc32c.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist {

namespace lf = log_format;

std::string encode_segment_header(std::uint64_t base_offset, std::uint32_t flags) {
  std::string out(lf::kSegmentMagic.data(), lf::kSegmentMagic.size());
  detail::put_fixed(out, lf::kSegmentVersion, 2);
  detail::put_fixed(out, lf::kSegmentHeaderBytes, 2);
  detail::put_fixed(out, flags, 4);
  detail::put_fixed(out, base_offset, 8);
  detail::put_fixed(out, crc32c::mask(crc32c::value(out)), 4);
  detail::put_fixed(out, 0, 4);  // reserved
  return out;
}

Result<std::uint64_t> decode_segment_header(std::string_view bytes, std::string_view name) {
  const std::string who(name);
  if (bytes.size() < lf::kSegmentHeaderBytes ||
      !std::equal(lf::kSegmentMagic.begin(), lf::kSegmentMagic.end(), bytes.begin())) {
    return Error::invalid(who +
                          " is not a vsm log segment (missing \"VSMLOG\" header); "
                          "point at a directory written by vsm::persist::EventLog");
  }
  const auto version = detail::decode_fixed(bytes.data() + 8, 2);
  if (version > lf::kSegmentVersion) {
    return Error::unsupported(who + " has log format version " + std::to_string(version) +
                              " but this build reads up to version " +
                              std::to_string(lf::kSegmentVersion) + "; upgrade vsmfabric");
  }
  if (!segment_header_checksum_ok(bytes) || version == 0) {
    return Error::corruption(who +
                             ": segment header checksum mismatch; the segment is "
                             "damaged (run `vsmcat log verify`)");
  }
  return detail::decode_u64(bytes.data() + 16);
}

std::uint32_t segment_header_flags(std::string_view bytes) {
  if (bytes.size() < lf::kSegmentHeaderBytes) return 0;
  if (detail::decode_fixed(bytes.data() + 8, 2) < 2) return 0;
  return detail::decode_u32(bytes.data() + 12);
}

bool segment_header_checksum_ok(std::string_view bytes) {
  if (bytes.size() < lf::kSegmentHeaderBytes) return false;
  const std::uint32_t stored = detail::decode_u32(bytes.data() + lf::kSegmentHeaderCrcBytes);
  return crc32c::unmask(stored) == crc32c::value(bytes.data(), lf::kSegmentHeaderCrcBytes);
}

}  // namespace vsm::persist
