// Draws successive frames of a live view (`vsmcat status`, `vsmcat stats --watch`) on
// stdout: on a terminal each frame replaces the previous one in place (cursor up over
// the last frame, each line cleared to its end, the rest of the screen cleared below);
// otherwise frames follow each other, separated by a blank line, so a pipe or a file
// gets plain text. Not thread-safe: one owner draws.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "output.hpp"

namespace vsmcat {

class ScreenFrame {
 public:
  // `in_place`: redraw over the previous frame (normally: stdout is a terminal).
  explicit ScreenFrame(bool in_place);
  // True when stdout is a terminal.
  static bool stdout_is_terminal();

  // Writes one frame. kClosed when the reader went away, kError on a write error.
  WriteResult draw(const std::vector<std::string>& lines);
  // The bytes draw() writes for `lines` after a frame of `previous_lines` lines.
  static std::string render(const std::vector<std::string>& lines, std::size_t previous_lines,
                            bool in_place, bool first);

 private:
  bool in_place_;
  bool first_ = true;
  std::size_t previous_lines_ = 0;
};

}  // namespace vsmcat
