#include <catch2/catch.hpp>

#include <thread>

#include "child_process.hpp"

using namespace std::chrono_literals;
using vsm::test::ChildProcess;

namespace {
const std::string kAgent = vsm::test::bin_path("tests/algedonic/alg_agent");

// Polls "counts" until the node saw both copies of the alert (lane + data plane).
std::string counts_after_both_paths(ChildProcess& p) {
  std::string last;
  for (int i = 0; i < 500; ++i) {  // bounded: each round waits for one reply
    p.write("counts\n");
    auto line = p.expect_prefix("counts ", 10s);
    if (!line) return "no reply";
    last = *line;
    // A delayed ack can cause a lane retry, so "dup" may exceed 1; delivery stays once.
    if (last.rfind("sub 1 cb 1 dup ", 0) == 0 && last.rfind("sub 1 cb 1 dup 0 ", 0) != 0) {
      return last;
    }
    std::this_thread::sleep_for(10ms);  // pacing between polls, not synchronisation
  }
  return last;
}
}  // namespace

TEST_CASE("S1 raises an alert; S5 and S3 each receive it exactly once", "[algedonic][process]") {
  ChildProcess s5({kAgent, "recv", "s5.policy", "S5"});
  ChildProcess s3({kAgent, "recv", "s3.control", "S3"});
  auto dish5 = s5.expect_prefix("dish ", 20s);
  auto pub5 = s5.expect_prefix("pub ", 20s);
  auto dish3 = s3.expect_prefix("dish ", 20s);
  auto pub3 = s3.expect_prefix("pub ", 20s);
  REQUIRE(dish5);
  REQUIRE(dish3);
  REQUIRE(pub5);
  REQUIRE(pub3);
  ChildProcess s1({kAgent, "send", "s1.ops", "S1", "2", *dish5, *dish3});
  auto pub1 = s1.expect_prefix("pub ", 20s);
  REQUIRE(pub1);
  s5.write("connect " + *pub1 + "\n");
  s3.write("connect " + *pub1 + "\n");
  REQUIRE(s5.expect_prefix("connected", 20s));
  REQUIRE(s3.expect_prefix("connected", 20s));

  auto report = s1.expect_prefix("report ", 30s);
  REQUIRE(report);
  CHECK((*report == "2 2 s5.policy,s3.control"));

  for (ChildProcess* p : {&s5, &s3}) {
    auto counts = counts_after_both_paths(*p);
    INFO(counts);
    CHECK(counts.rfind("sub 1 cb 1 dup ", 0) == 0);
    CHECK(counts.rfind("sub 1 cb 1 dup 0 ", 0) != 0);
  }
  for (ChildProcess* p : {&s1, &s5, &s3}) {
    p->close_stdin();
    CHECK(p->wait_exit(20s) == std::optional<int>(0));
  }
}
