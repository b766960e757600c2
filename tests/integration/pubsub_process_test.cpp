#include <catch2/catch.hpp>

#include "child_process.hpp"

using namespace std::chrono_literals;
using vsm::test::ChildProcess;

namespace {
const std::string kAgent = vsm::test::bin_path("tests/integration/node_agent");
}

TEST_CASE("10,000 events cross two processes complete and in order", "[integration]") {
  ChildProcess pub({kAgent, "pub", "s3.proc", "S3", "command", "10000", "1"});
  auto ep = pub.expect_prefix("endpoint ", 20s);
  REQUIRE(ep);
  ChildProcess sub({kAgent, "sub", "s1.proc", "S1", *ep, "command", "10000"});
  REQUIRE(sub.expect_prefix("ready", 20s));
  REQUIRE(pub.expect_prefix("published ", 60s) == std::optional<std::string>("10000"));
  auto result = sub.expect_prefix("received ", 60s);
  REQUIRE(result);
  CHECK(*result == "10000 inorder 1 gaps 0");
  CHECK(sub.wait_exit(20s) == std::optional<int>(0));
  pub.close_stdin();
  CHECK(pub.wait_exit(20s) == std::optional<int>(0));
}

TEST_CASE("a type filter across processes delivers exactly the matching half", "[integration]") {
  ChildProcess pub({kAgent, "pub", "s2.proc", "S2", "coordination", "2000", "1"});
  auto ep = pub.expect_prefix("endpoint ", 20s);
  REQUIRE(ep);
  // Type filters need the source to narrow the topic; the agent filters on type only,
  // which the node applies after the channel prefix.
  ChildProcess sub({kAgent, "sub", "s1.proc2", "S1", *ep, "coordination", "1000", "odd"});
  REQUIRE(sub.expect_prefix("ready", 20s));
  REQUIRE(pub.expect_prefix("published ", 60s) == std::optional<std::string>("2000"));
  auto result = sub.expect_prefix("received ", 60s);
  REQUIRE(result);
  CHECK(result->rfind("1000 inorder 1", 0) == 0);
  pub.close_stdin();
  CHECK(pub.wait_exit(20s) == std::optional<int>(0));
}
