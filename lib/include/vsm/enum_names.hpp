// Table-driven names of enums: one constexpr table per enum gives both directions, so
// a name and its parser can never disagree (channel, role, breaker state, severity...).
// Thread-safety: constexpr data and pure functions.
//
//   inline constexpr vsm::EnumNames<Color, 2> kColorNames{{{Color::kRed, "red"},
//                                                         {Color::kBlue, "blue"}}};
//   kColorNames.name(Color::kRed);   // "red"
//   kColorNames.parse("blue");       // std::optional<Color>{Color::kBlue}
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace vsm {

template <typename E, std::size_t N>
struct EnumNames {
  std::array<std::pair<E, std::string_view>, N> table;

  // The name of `value`, or `unknown` for a value outside the table.
  constexpr std::string_view name(E value, std::string_view unknown = "?") const noexcept {
    for (const auto& [v, n] : table) {
      if (v == value) return n;
    }
    return unknown;
  }
  // Exact (case-sensitive) match of a name.
  constexpr std::optional<E> parse(std::string_view text) const noexcept {
    for (const auto& [v, n] : table) {
      if (n == text) return v;
    }
    return std::nullopt;
  }
};

}  // namespace vsm
