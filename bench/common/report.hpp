// Output for benchmark programs: a Markdown table for people and JSON for tools
// (nlohmann::json), plus a description of the machine so numbers carry their context.
// Thread-safety: none.
#pragma once

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace vsm::bench {

// Columns are right-aligned except the first; cells are preformatted strings.
class MarkdownTable {
 public:
  explicit MarkdownTable(std::vector<std::string> header) : header_(std::move(header)) {}

  void add_row(std::vector<std::string> row) {
    row.resize(header_.size());
    rows_.push_back(std::move(row));
  }

  void print(std::ostream& out) const {
    std::vector<std::size_t> width(header_.size());
    for (std::size_t c = 0; c < header_.size(); ++c) {
      width[c] = std::max<std::size_t>(3, header_[c].size());
      for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
    }
    print_row(out, header_, width);
    out << '|';
    for (std::size_t c = 0; c < width.size(); ++c) {
      // Left-aligned first column (":---"), right-aligned others ("---:").
      out << (c == 0 ? ":" : "") << std::string(width[c] + 1, '-') << (c == 0 ? "" : ":") << '|';
    }
    out << '\n';
    for (const auto& r : rows_) print_row(out, r, width);
  }

 private:
  static void print_row(std::ostream& out, const std::vector<std::string>& r,
                        const std::vector<std::size_t>& width) {
    out << '|';
    for (std::size_t c = 0; c < r.size(); ++c) {
      out << ' ' << (c == 0 ? std::left : std::right) << std::setw(static_cast<int>(width[c]))
          << r[c] << " |";
    }
    out << std::right << '\n';
  }

  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point formatting: fmt(1234.5, 1) == "1234.5".
inline std::string fmt(double v, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v;
  return s.str();
}

// 1234567 -> "1,234,567" (non-negative values).
inline std::string fmt_count(double v) {
  const std::string digits = std::to_string(static_cast<long long>(v < 0 ? 0 : v + 0.5));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

inline std::string first_line_with(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return {};
}

// CPU model, core count, memory, kernel, load average at the time of the call.
inline nlohmann::json machine_info() {
  nlohmann::json m;
  utsname u{};
  ::uname(&u);
  m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m["cpu_model"] = first_line_with("/proc/cpuinfo", "model name");
  m["cpus_online"] = ::sysconf(_SC_NPROCESSORS_ONLN);
  m["mem_total"] = first_line_with("/proc/meminfo", "MemTotal");
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) == 3) m["loadavg"] = {load[0], load[1], load[2]};
  return m;
}

// Writes `j` to `path` (pretty-printed); false on an I/O error.
inline bool write_json_file(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path);
  out << j.dump(2) << '\n';
  return static_cast<bool>(out);
}

}  // namespace vsm::bench
