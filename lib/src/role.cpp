#include "vsm/role.hpp"

#include "vsm/enum_names.hpp"

namespace vsm {

namespace {
constexpr EnumNames<Role, 6> kRoleNames{{{{Role::kS1, "S1"},
                                          {Role::kS2, "S2"},
                                          {Role::kS3, "S3"},
                                          {Role::kS3Star, "S3*"},
                                          {Role::kS4, "S4"},
                                          {Role::kS5, "S5"}}}};
}  // namespace

std::string_view role_name(Role role) noexcept { return kRoleNames.name(role); }

namespace {
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality; no allocation (every publish resolves its target's
// role through here).
bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
}  // namespace

// Case-insensitive ("s1", "S1"); "S3star" is accepted for S3*.
std::optional<Role> parse_role(std::string_view t) noexcept {
  if (t.size() < 2 || t.size() > 6 || (t[0] != 's' && t[0] != 'S')) return std::nullopt;
  for (const auto& [role, name] : kRoleNames.table) {
    if (equals_ignore_case(t, name)) return role;
  }
  if (equals_ignore_case(t, "s3star")) return Role::kS3Star;
  return std::nullopt;
}

}  // namespace vsm
