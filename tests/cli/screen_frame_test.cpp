// ScreenFrame::render (cli/src/screen_frame.hpp): in place on a terminal, plain frames
// separated by a blank line otherwise.
#include "screen_frame.hpp"

#include <catch2/catch.hpp>

namespace vsmcat {

TEST_CASE("frames redraw in place on a terminal", "[cli][screen]") {
  CHECK(ScreenFrame::render({"a", "b"}, 0, true, true) == "a\x1b[K\nb\x1b[K\n\x1b[J");
  CHECK(ScreenFrame::render({"c"}, 2, true, false) == "\x1b[2A\rc\x1b[K\n\x1b[J");
}

TEST_CASE("frames follow each other in a pipe", "[cli][screen]") {
  CHECK(ScreenFrame::render({"a", "b"}, 0, false, true) == "a\nb\n");
  CHECK(ScreenFrame::render({"c"}, 2, false, false) == "\nc\n");
}

}  // namespace vsmcat
