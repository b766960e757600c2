// Time and offset arguments for the log commands (`vsmcat replay --since`, `log info`):
// ISO-8601 UTC text <-> Unix milliseconds. Header-only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace vsmcat {

// "2026-11-23T14:05:09.123Z" for 1795443909123.
inline std::string format_iso8601_ms(std::uint64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(unix_ms % 1000));
  return buf;
}

// Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff]]" with an optional "Z" or "+hh:mm" /
// "-hh:mm" suffix (no suffix = UTC). Empty optional when malformed.
inline std::optional<std::uint64_t> parse_iso8601_ms(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  const std::string t(text);
  if (std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  std::uint64_t frac_ms = 0;
  if (pos < t.size() && (t[pos] == 'T' || t[pos] == ' ')) {
    int n = 0;
    if (std::sscanf(t.c_str() + pos + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
      return std::nullopt;
    pos += 1 + static_cast<std::size_t>(n);
    if (pos < t.size() && t[pos] == ':') {
      if (std::sscanf(t.c_str() + pos + 1, "%2d%n", &s, &n) != 1 || n != 2) return std::nullopt;
      pos += 3;
      if (pos < t.size() && t[pos] == '.') {
        std::uint64_t scale = 100;
        for (++pos; pos < t.size() && t[pos] >= '0' && t[pos] <= '9'; ++pos, scale /= 10) {
          frac_ms += static_cast<std::uint64_t>(t[pos] - '0') * scale;
        }
      }
    }
  }
  long offset_s = 0;
  if (pos < t.size()) {
    if (t[pos] == 'Z' && pos + 1 == t.size()) {
      pos = t.size();
    } else if ((t[pos] == '+' || t[pos] == '-') && t.size() - pos == 6 && t[pos + 3] == ':') {
      int oh = 0, om = 0;
      if (std::sscanf(t.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset_s = (t[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
      pos = t.size();
    } else {
      return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = ::timegm(&tm) - offset_s;
  if (secs < 0) return std::nullopt;
  return static_cast<std::uint64_t>(secs) * 1000 + frac_ms;
}

// A --since/--until bound: a log offset ("1234") or a time ("1700000000000ms" Unix
// milliseconds, or ISO-8601 text).
struct LogBound {
  std::optional<std::uint64_t> offset;
  std::optional<std::uint64_t> wall_ms;
};

inline std::optional<LogBound> parse_log_bound(std::string_view text) {
  auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 19 &&
           s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (digits(text)) return LogBound{std::stoull(std::string(text)), std::nullopt};
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms" &&
      digits(text.substr(0, text.size() - 2))) {
    return LogBound{std::nullopt, std::stoull(std::string(text.substr(0, text.size() - 2)))};
  }
  if (auto ms = parse_iso8601_ms(text)) return LogBound{std::nullopt, *ms};
  return std::nullopt;
}

}  // namespace vsmcat
