// Multi-process: a writer is killed with SIGKILL mid-stream, under each fsync policy;
// every offset it acknowledged must be present after reopening (an acknowledged append
// is in the file: a process crash loses nothing, whatever the policy). Also: the
// directory lock holds across processes.
#include <catch2/catch.hpp>
#include <set>

#include "child_process.hpp"
#include "persist_test_util.hpp"
#include "vsm/persist/event_log.hpp"

namespace vsm::persist {
namespace {

using namespace std::chrono_literals;
using test::TempDir;
using vsm::test::ChildProcess;

constexpr int kRounds = 3;
constexpr std::size_t kAcksBeforeKill = 150;

}  // namespace

TEST_CASE("kill -9 of a writer never loses an acknowledged record, under every fsync policy",
          "[persist][crash]") {
  const std::string policy = GENERATE("always", "interval", "none");
  INFO("fsync " << policy);
  TempDir dir;
  std::set<std::uint64_t> acked;
  for (int round = 0; round < kRounds; ++round) {
    {
      ChildProcess child(
          {VSM_LOG_WRITER_AGENT, "write", dir.path().string(), "10000000", policy});
      std::size_t seen = 0;
      while (seen < kAcksBeforeKill + static_cast<std::size_t>(round) * 37) {
        auto line = child.read_line(10s);
        REQUIRE(line);  // deadline: the child must keep acknowledging
        REQUIRE(line->rfind("ack ", 0) == 0);
        acked.insert(std::stoull(line->substr(4)));
        ++seen;
      }
      child.kill(SIGKILL);
      auto status = child.wait_exit(10s);
      REQUIRE(status);
      CHECK(*status == 128 + SIGKILL);
      // Acks already in the pipe were acknowledged before the kill too.
      while (auto line = child.read_line(0ms)) {
        if (line->rfind("ack ", 0) == 0) acked.insert(std::stoull(line->substr(4)));
      }
    }
    auto log = EventLog::open(dir.path(), {});
    REQUIRE(log);
    INFO("round " << round << " torn bytes " << (*log)->recovery_report().torn_bytes);
    CHECK((*log)->recovery_report().corruption.empty());
    auto all = (*log)->query({});
    REQUIRE(all);
    std::set<std::uint64_t> present;
    for (const auto& e : *all) present.insert(e.offset);
    for (std::uint64_t off : acked) {
      if (present.count(off) == 0) FAIL("acknowledged offset " << off << " lost");
    }
  }
  CHECK(acked.size() >= kRounds * kAcksBeforeKill);
}

TEST_CASE("a second process cannot open a locked directory for writing", "[persist][lock]") {
  TempDir dir;
  {
    auto log = EventLog::open(dir.path(), {});
    REQUIRE(log);
    ChildProcess probe({VSM_LOG_WRITER_AGENT, "probe", dir.path().string()});
    auto line = probe.read_line(10s);
    REQUIRE(line);
    CHECK(*line == "open already_exists");
    CHECK(probe.wait_exit(10s) == std::optional<int>(3));
  }
  ChildProcess probe({VSM_LOG_WRITER_AGENT, "probe", dir.path().string()});
  auto line = probe.read_line(10s);
  REQUIRE(line);
  CHECK(*line == "open ok");
  CHECK(probe.wait_exit(10s) == std::optional<int>(0));
}

}  // namespace vsm::persist
