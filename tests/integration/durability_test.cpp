// The node's durability contract (docs/LOG_FORMAT.md "Durability"), across real processes
// and kill -9: a publishing node with a log is killed mid-stream over and over and
// restarted on the same log directory; what its subscribers saw is compared with the log
// after every kill.
//   - every fsync policy: 0 events seen but not logged, 0 sequence numbers reused;
//   - a Reliable subscriber across the restarts: every event exactly once, in order,
//     never history again, never an event that is in no log.
// VSM_KILL_LOOPS=N runs N kills per case instead of the CI default (a soak).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <sstream>

#include "child_process.hpp"
#include "durability_check.hpp"
#include "temp_dir.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::ChildProcess;

namespace {

const std::string kAgent = vsm::test::bin_path("tests/integration/durability_agent");
const std::string kPublisher = "s3.durable";

int kills(int ci_default) {
  const char* env = std::getenv("VSM_KILL_LOOPS");
  return env != nullptr ? std::max(1, std::atoi(env)) : ci_default;
}

struct Fabric {
  vsm::test::TempDir dir;
  std::string log = (dir / "log").string();
  std::string pub_ep = "ipc://" + (dir / "pub.sock").string();
  std::string control_ep = "ipc://" + (dir / "control.sock").string();

  ChildProcess publisher(const std::string& fsync) const {
    ChildProcess p({kAgent, "pub", "--name", kPublisher, "--bind", pub_ep, "--control", control_ep,
                    "--log", log, "--fsync", fsync, "--rate", "50000", "--wait-subs", "1"});
    REQUIRE(p.expect_prefix("endpoint ", 20s));
    return p;
  }
  ChildProcess subscriber(const std::string& out, std::vector<std::string> extra) const {
    std::vector<std::string> argv{kAgent, "sub", "--name", "s1.witness", "--peer", pub_ep,
                                  "--out", out};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ChildProcess s(argv);
    REQUIRE(s.expect_prefix("ready", 20s));
    return s;
  }
};

void check_against_log(const vsm::test::Recording& rec, const std::string& log_dir) {
  const auto log = vsm::test::read_log(log_dir, kPublisher);
  const auto v = vsm::test::compare(rec.seen(), log);
  INFO("seen " << v.seen << ", logged " << log.records << " " << v.first_twice);
  CHECK(v.not_logged == 0);
  CHECK(v.other_id == 0);
  CHECK(v.seen_twice == 0);
  CHECK(log.reused == 0);
}

}  // namespace

TEST_CASE("kill -9 loop: every event a subscriber saw is in the log, no seq is reused",
          "[integration][durability]") {
  const std::string fsync = GENERATE(as<std::string>{}, "none", "interval", "always");
  const int n = kills(20);
  Fabric f;
  const std::string out = (f.dir / "seen.txt").string();
  ChildProcess sub = f.subscriber(out, {"--mode", "best_effort"});
  vsm::test::Recording rec(out);
  std::minstd_rand rng(20'261'130);
  for (int k = 1; k <= n; ++k) {
    INFO("fsync " << fsync << ", kill " << k);
    ChildProcess pub = f.publisher(fsync);
    // Kill mid-stream, after a varying number of events reached the subscriber.
    const std::size_t target = rec.seen().size() + 200 + rng() % 2'000;
    REQUIRE(vsm::test::wait_until(
        [&] {
          rec.poll();
          return rec.seen().size() >= target;
        },
        30s));
    pub.kill(SIGKILL);
    REQUIRE(pub.wait_exit(10s));
    rec.poll();
    check_against_log(rec, f.log);
  }
  sub.close_stdin();
  REQUIRE(sub.expect_prefix("result ", 20s));
  CHECK(sub.wait_exit(20s) == std::optional<int>(0));
  rec.poll();
  check_against_log(rec, f.log);
  const auto log = vsm::test::read_log(f.log, kPublisher);
  // Each instance went on after the last seq it found: seqs 1..last, each once.
  CHECK(log.ids.size() == log.last);
  CHECK(log.records == log.last);
}

TEST_CASE("Reliable across kill -9 of its publisher: exactly once, no history again, only "
          "logged events",
          "[integration][durability][reliable]") {
  const int n = kills(5);
  Fabric f;
  const std::string out = (f.dir / "reliable.txt").string();
  ChildProcess sub = f.subscriber(out, {"--mode", "reliable", "--start-seq", "1",
                                        "--repair-timeout-ms", "500", "--repair-attempts", "20"});
  vsm::test::Recording rec(out);
  std::minstd_rand rng(15);
  std::uint64_t logged = 0;  // the log's last seq at the previous kill
  for (int k = 1; k <= n + 1; ++k) {
    INFO("kill " << k);
    ChildProcess pub = f.publisher("interval");
    // The subscriber repairs what the killed instance logged but never sent, from the
    // new instance's log, and follows its live stream.
    const std::uint64_t target = logged + 200 + rng() % 2'000;
    REQUIRE(vsm::test::wait_until(
        [&] {
          rec.poll();
          return rec.last_seq() >= target;
        },
        60s));
    if (k <= n) {
      pub.kill(SIGKILL);
      REQUIRE(pub.wait_exit(10s));
    } else {
      pub.close_stdin();  // the last instance stops cleanly
      REQUIRE(pub.expect_prefix("published ", 30s));
      REQUIRE(pub.wait_exit(20s) == std::optional<int>(0));
    }
    logged = vsm::test::read_log(f.log, kPublisher).last;
    rec.poll();
    check_against_log(rec, f.log);
  }
  // Everything the log holds reaches the subscriber: 1..last, in order, each once.
  REQUIRE(vsm::test::wait_until(
      [&] {
        rec.poll();
        return rec.last_seq() >= logged;
      },
      60s));
  sub.close_stdin();
  auto result = sub.expect_prefix("result ", 20s);
  REQUIRE(result);
  INFO(*result);
  CHECK(result->find(" dead 0 ") != std::string::npos);
  CHECK(sub.wait_exit(20s) == std::optional<int>(0));
  rec.poll();
  check_against_log(rec, f.log);
  REQUIRE(rec.seen().size() == logged);
  bool in_order = true;
  for (std::size_t i = 0; i < rec.seen().size(); ++i) in_order &= rec.seen()[i].seq == i + 1;
  CHECK(in_order);
}
