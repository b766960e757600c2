#include "screen_frame.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace vsmcat {

ScreenFrame::ScreenFrame(bool in_place) : in_place_(in_place) {}

bool ScreenFrame::stdout_is_terminal() { return ::isatty(STDOUT_FILENO) != 0; }

std::string ScreenFrame::render(const std::vector<std::string>& lines, std::size_t previous_lines,
                                bool in_place, bool first) {
  std::string out;
  if (in_place) {
    if (previous_lines > 0) out += "\x1b[" + std::to_string(previous_lines) + "A\r";
    for (const auto& l : lines) out += l + "\x1b[K\n";
    out += "\x1b[J";  // what is left of a longer previous frame
    return out;
  }
  if (!first) out += "\n";
  for (const auto& l : lines) out += l + "\n";
  return out;
}

WriteResult ScreenFrame::draw(const std::vector<std::string>& lines) {
  const std::string bytes = render(lines, previous_lines_, in_place_, first_);
  first_ = false;
  previous_lines_ = lines.size();
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() &&
                  std::fflush(stdout) == 0;
  if (ok) return WriteResult::kOk;
  return errno == EPIPE ? WriteResult::kClosed : WriteResult::kError;
}

}  // namespace vsmcat
