// UTF-8 validation (RFC 3629): names, ids and metadata keys on the wire must be valid
// UTF-8, so every language's msgpack `str` decoder (and JSON output) accepts them.
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace vsm {

// True when `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..DFFF),
// nothing above U+10FFFF, no truncated sequence. ASCII is checked 8 bytes at a time.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace vsm
