// kcat-style `-f` output format for events. Tokens:
//   %T time (ISO-8601 UTC from ts.wall_ms, millisecond precision)   %c channel
//   %s source   %t type   %p payload (compact JSON)   %i id   %S seq   %g target
//   %k correlation id   %K causation id   %P priority   %%  a literal '%'
// Escapes: \n newline, \t tab, \\ backslash. Nothing is appended: end the format
// with \n for one event per line. Thread-safety: immutable after parse().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

class EventFormat {
 public:
  // kInvalid naming the bad token, e.g. "unknown format token '%x' at offset 3".
  static vsm::Result<EventFormat> parse(std::string_view spec);

  // Appends the formatted event to `out`.
  void format(const vsm::Event& event, std::string& out) const;

 private:
  struct Piece {
    char token = 0;    // 0 = literal text
    std::string text;  // literal text when token == 0
  };
  std::vector<Piece> pieces_;
};

// "2026-11-23T14:16:34.123Z"
std::string iso8601_utc_ms(std::uint64_t wall_ms);

// `-f` as given on the command line: empty text means no format (JSON lines).
vsm::Result<std::optional<EventFormat>> parse_optional_format(std::string_view spec);

}  // namespace vsmcat
