// Standard base64 (RFC 4648, with padding) for binary payload values in JSON.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vsmcat {

std::string base64_encode(std::string_view bytes);
// Empty optional when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vsmcat
