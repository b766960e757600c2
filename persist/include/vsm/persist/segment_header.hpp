// Encoding and validation of the 32-byte segment header (layout in log_format.hpp).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm::persist {

std::string encode_segment_header(std::uint64_t base_offset);

// Returns the base offset. Errors: kInvalid when `bytes` is not a vsm log segment
// (bad magic, short), kUnsupported for a newer format version, kCorruption for a bad
// header crc. `name` is used in messages.
Result<std::uint64_t> decode_segment_header(std::string_view bytes, std::string_view name);

// True when `bytes` hold at least a header's length and its crc matches. Tells a
// genuinely newer segment (kUnsupported, crc valid) from a damaged version field.
bool segment_header_checksum_ok(std::string_view bytes);

}  // namespace vsm::persist
