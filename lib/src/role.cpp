#include "vsm/role.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace vsm {

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::kS1: return "S1";
    case Role::kS2: return "S2";
    case Role::kS3: return "S3";
    case Role::kS3Star: return "S3*";
    case Role::kS4: return "S4";
    case Role::kS5: return "S5";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "s1") return Role::kS1;
  if (t == "s2") return Role::kS2;
  if (t == "s3") return Role::kS3;
  if (t == "s3*" || t == "s3star") return Role::kS3Star;
  if (t == "s4") return Role::kS4;
  if (t == "s5") return Role::kS5;
  return std::nullopt;
}

}  // namespace vsm
