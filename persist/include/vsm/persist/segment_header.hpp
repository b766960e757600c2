// Encoding and validation of the 32-byte segment header (layout in log_format.hpp).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/persist/log_format.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

// `flags`: log_format::kSegmentFlagChained or 0.
std::string encode_segment_header(std::uint64_t base_offset,
                                  std::uint32_t flags = log_format::kSegmentFlagChained);
// The flags of a header that decode_segment_header() accepted (0 for version 1).
std::uint32_t segment_header_flags(std::string_view bytes);

// Returns the base offset. Errors: kInvalid when `bytes` is not a vsm log segment
// (bad magic, short), kUnsupported for a newer format version, kCorruption for a bad
// header crc. `name` is used in messages.
Result<std::uint64_t> decode_segment_header(std::string_view bytes, std::string_view name);

// True when `bytes` hold at least a header's length and its crc matches. Tells a
// genuinely newer segment (kUnsupported, crc valid) from a damaged version field.
bool segment_header_checksum_ok(std::string_view bytes);

}  // namespace vsm::persist
