// Viable System Model roles: S1 operations .. S5 policy, plus S3* (audit).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vsm {

enum class Role : std::uint8_t {
  kS1 = 1,      // operations
  kS2 = 2,      // coordination
  kS3 = 3,      // control / resource bargaining
  kS3Star = 4,  // audit (S3*)
  kS4 = 5,      // intelligence
  kS5 = 6,      // policy / identity
};

// "S1", "S2", "S3", "S3*", "S4", "S5".
std::string_view role_name(Role role) noexcept;
// Case-insensitive; accepts "s3*" and "s3star". Empty optional when unknown.
std::optional<Role> parse_role(std::string_view text) noexcept;

}  // namespace vsm
