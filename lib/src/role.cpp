#include "vsm/role.hpp"

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

namespace {
// ASCII case-insensitive equality with a lower-case literal; no allocation (every
// publish resolves its target's role through here).
bool equals_lower(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

std::optional<Role> parse_role(std::string_view t) noexcept {
  if (t.size() < 2 || (t[0] != 's' && t[0] != 'S')) return std::nullopt;
  if (equals_lower(t, "s1")) return Role::kS1;
  if (equals_lower(t, "s2")) return Role::kS2;
  if (equals_lower(t, "s3")) return Role::kS3;
  if (equals_lower(t, "s3*") || equals_lower(t, "s3star")) return Role::kS3Star;
  if (equals_lower(t, "s4")) return Role::kS4;
  if (equals_lower(t, "s5")) return Role::kS5;
  return std::nullopt;
}

}  // namespace vsm
