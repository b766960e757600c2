#include "core/command_queue.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "core/event_fd.hpp"

namespace vsm::detail {

TEST_CASE("a throwing command does not drop the commands after it", "[core]") {
  CommandQueue q("test");
  std::vector<int> ran;
  REQUIRE(q.post([&] { ran.push_back(1); }));
  REQUIRE(q.post([] { throw std::runtime_error("boom"); }));
  REQUIRE(q.post([] { throw 42; }));
  REQUIRE(q.post([&] { ran.push_back(4); }));
  CHECK(q.run_all() == 2);
  CHECK(ran == std::vector<int>{1, 4});
  CHECK(q.empty());
}

TEST_CASE("a closed command queue refuses posts", "[core]") {
  CommandQueue q("test");
  int ran = 0;
  REQUIRE(q.post([&] { ++ran; }));
  CHECK(q.run_all(/*close=*/true) == 0);
  CHECK(ran == 1);
  CHECK_FALSE(q.post([&] { ++ran; }));
  CHECK(q.run_all() == 0);
  CHECK(ran == 1);
}

TEST_CASE("event fd: signal makes it readable once, drain resets it", "[core]") {
  EventFd fd;
  CHECK_FALSE(fd.is_open());
  fd.signal();  // no-op before open()
  REQUIRE(fd.open().ok());
  REQUIRE(fd.open().ok());  // idempotent
  fd.signal();
  fd.signal();
  fd.drain();
  EventFd moved(std::move(fd));
  CHECK(moved.is_open());
  CHECK_FALSE(fd.is_open());  // NOLINT(bugprone-use-after-move): moved-from state is defined
}

}  // namespace vsm::detail
