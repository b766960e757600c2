// Errors that heal, node side (NodeConfig::log_failure_policy, docs/LOG_FORMAT.md):
// the publisher's log hits ENOSPC (tests/persist/fault_env.hpp), then space is freed.
// block: nothing accepted is lost or sent unlogged, publish() refuses with the log's
// error meanwhile, and publishing resumes by itself. continue: everything is sent and the
// unlogged events are counted. Either way: one report line per transition, no flood.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "fault_env.hpp"
#include "log_capture.hpp"
#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/persist/log_reader.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::Channel;
using vsm::test::make_event;
using vsm::test::node_config;

namespace {

vsm::NodeConfig logged_publisher(const std::string& dir, vsm::persist::test::FaultEnv& env,
                                 vsm::LogFailurePolicy policy) {
  auto cfg = node_config("s3.logged", vsm::Role::kS3);
  cfg.log_dir = dir;
  cfg.log_options.env = &env;
  cfg.log_options.fsync = vsm::persist::FsyncPolicy::kNone;
  cfg.log_options.error_retry_interval_ms = 20;
  cfg.log_failure_policy = policy;
  return cfg;
}

// A publisher logging through a fault-injecting env, and a subscriber on `command` that
// the publisher already sees.
struct LoggedPair {
  vsm::test::TempDir dir;
  vsm::persist::test::FaultEnv env;
  vsm::persist::test::LogCapture logs;
  std::string log_dir = (dir / "log").string();
  vsm::test::PubSubPair p;
  vsm::Subscription sub;
  explicit LoggedPair(vsm::LogFailurePolicy policy)
      : p(logged_publisher(log_dir, env, policy), node_config("s1.sub", vsm::Role::kS1)),
        sub(p.subscribe_ready(vsm::Filter::on(Channel::kCommand))) {}
};

struct Published {
  std::vector<std::uint64_t> seqs;  // accepted by publish(), in order
  std::size_t refused = 0;
};

// Publishes `n` events (payloads from `first`); refusals must carry the log's error.
Published publish_n(vsm::Node& node, int first, int n) {
  Published p;
  for (int i = first; i < first + n; ++i) {
    auto r = node.publish(make_event(Channel::kCommand, "t", i));
    if (r) {
      p.seqs.push_back(r->seq);
    } else {
      CHECK(r.error().code() == vsm::ErrorCode::kNoSpace);
      ++p.refused;
    }
  }
  return p;
}

// Reads `n` events from `sub`; their seqs, in arrival order.
std::vector<std::uint64_t> receive(vsm::Subscription& sub, std::size_t n) {
  std::vector<std::uint64_t> got;
  while (got.size() < n) {
    auto e = sub.next(10s);
    if (!e) break;
    got.push_back(e->seq);
  }
  return got;
}

std::vector<std::uint64_t> logged_seqs(const std::string& dir) {
  auto reader = vsm::persist::LogReader::open(dir);
  REQUIRE(reader.ok());
  auto all = (*reader)->query({});
  REQUIRE(all.ok());
  std::vector<std::uint64_t> seqs;
  for (const auto& e : *all) seqs.push_back(e.event.seq);
  return seqs;
}

bool wait_sent(vsm::Node& node, std::uint64_t n) {
  return vsm::test::wait_until([&] { return node.stats().of(Channel::kCommand).sent == n; });
}

std::vector<std::uint64_t> concat(std::initializer_list<const std::vector<std::uint64_t>*> parts) {
  std::vector<std::uint64_t> all;
  for (const auto* p : parts) all.insert(all.end(), p->begin(), p->end());
  return all;
}

}  // namespace

TEST_CASE("block: a full disk holds publishing, nothing accepted is lost, it resumes by itself",
          "[node][log][faults]") {
  LoggedPair t(vsm::LogFailurePolicy::kBlock);

  const Published before = publish_n(t.p.pub, 0, 100);
  REQUIRE(before.refused == 0);
  REQUIRE(wait_sent(t.p.pub, 100));
  t.env.fail_writes_after(0);  // the disk is full
  // The first event after it is accepted and held; once the log has failed, publish()
  // refuses at once with its error (kNoSpace), not after a timeout.
  Published during = publish_n(t.p.pub, 100, 1);
  REQUIRE(during.seqs.size() == 1);
  REQUIRE(vsm::test::wait_until([&] {
    const auto s = t.p.pub.stats();
    return s.reliable_held == 1 && s.log.health == vsm::persist::LogHealth::kFailing;
  }));
  // The sender may not have handed the failure to publish() yet: the first few may still
  // be accepted (and are then held, in order, like `during`); the rest are refused.
  const Published refused = publish_n(t.p.pub, 101, 2'000);
  CHECK(refused.refused >= 1'900);
  CHECK(refused.refused + refused.seqs.size() == 2'000);
  during.seqs.insert(during.seqs.end(), refused.seqs.begin(), refused.seqs.end());
  auto st = t.p.pub.stats();
  CHECK(st.log_enabled);
  CHECK(st.log.health == vsm::persist::LogHealth::kFailing);
  CHECK(st.log.last_error.find("no_space") != std::string::npos);
  CHECK(st.unlogged == 0);
  // What was accepted meanwhile waits; the subscriber has only what was logged.
  CHECK(receive(t.sub, before.seqs.size()) == before.seqs);

  t.env.heal();  // space freed: the sender's retries succeed, no restart
  REQUIRE(vsm::test::wait_until(
      [&] { return t.p.pub.stats().log.health == vsm::persist::LogHealth::kHealthy; }));
  REQUIRE(vsm::test::wait_until([&] { return t.p.pub.stats().reliable_held == 0; }));
  const Published after = publish_n(t.p.pub, 2'100, 100);
  CHECK(after.refused == 0);

  CHECK(after.seqs.front() == during.seqs.back() + 1);  // refused events took no number
  const auto accepted = concat({&during.seqs, &after.seqs});
  CHECK(receive(t.sub, accepted.size()) == accepted);  // each once, in order, none lost
  CHECK_FALSE(t.sub.next(50ms).has_value());
  CHECK(t.p.pub.stats().log.recoveries == 1);
  CHECK(t.logs.count("error", "cannot write published events") == 1);  // no flood
  CHECK(t.logs.count("info", "writable again for published events") == 1);
  t.p.pub.stop();
  CHECK(logged_seqs(t.log_dir) == concat({&before.seqs, &accepted}));
}

TEST_CASE("continue: a full disk does not stop publishing; unlogged events are counted",
          "[node][log][faults]") {
  LoggedPair t(vsm::LogFailurePolicy::kContinue);

  const Published before = publish_n(t.p.pub, 0, 100);
  REQUIRE(wait_sent(t.p.pub, 100));
  t.env.fail_writes_after(0);
  const Published during = publish_n(t.p.pub, 100, 1'000);
  CHECK(during.refused == 0);
  CHECK(receive(t.sub, 1'100) == concat({&before.seqs, &during.seqs}));
  REQUIRE(vsm::test::wait_until([&] { return t.p.pub.stats().unlogged == 1'000; }));
  CHECK(t.p.pub.stats().log.health == vsm::persist::LogHealth::kFailing);

  t.env.heal();
  // The log retries on the next append after its retry interval: publish until it did.
  std::vector<std::uint64_t> after;
  REQUIRE(vsm::test::wait_until([&] {
    auto r = t.p.pub.publish(make_event(Channel::kCommand, "t", 0));
    REQUIRE(r);
    after.push_back(r->seq);
    return t.p.pub.stats().log.health == vsm::persist::LogHealth::kHealthy;
  }));
  const auto unlogged = t.p.pub.stats().unlogged;
  CHECK(unlogged >= 1'000);
  CHECK(receive(t.sub, after.size()) == after);
  CHECK(t.logs.count("error", "cannot write published events") == 1);
  CHECK(t.logs.count("info", "writable again for published events") == 1);
  t.p.pub.stop();
  // Logged: everything before and after the failure, nothing of it.
  const auto logged = logged_seqs(t.log_dir);
  CHECK(logged.size() == 100 + after.size() + 1'000 - unlogged);
  CHECK(std::vector<std::uint64_t>(logged.begin(), logged.begin() + 100) == before.seqs);
  CHECK(logged.back() == after.back());
}

TEST_CASE("a failing received-event log is reported once, not per event, and heals",
          "[node][log][faults]") {
  vsm::test::TempDir dir;
  vsm::persist::test::FaultEnv env;
  vsm::persist::test::LogCapture logs;
  auto sub_cfg = node_config("s1.recorder", vsm::Role::kS1);
  sub_cfg.log_dir = (dir / "received").string();
  sub_cfg.log_received = true;
  sub_cfg.log_options.env = &env;
  sub_cfg.log_options.error_retry_interval_ms = 20;
  vsm::test::PubSubPair p(node_config("s3.src", vsm::Role::kS3), sub_cfg);
  auto sub = p.subscribe_ready(vsm::Filter::on(Channel::kCommand));

  env.fail_writes_after(0);
  for (int i = 0; i < 2'000; ++i) REQUIRE(p.pub.publish(make_event(Channel::kCommand, "t", i)));
  CHECK(receive(sub, 2'000).size() == 2'000);  // delivered regardless
  REQUIRE(vsm::test::wait_until([&] { return p.sub.stats().log_received_failures == 2'000; }));
  env.heal();
  int i = 0;
  REQUIRE(vsm::test::wait_until([&] {
    REQUIRE(p.pub.publish(make_event(Channel::kCommand, "t", i++)));
    return p.sub.stats().log.health == vsm::persist::LogHealth::kHealthy;
  }));
  CHECK(logs.count("error", "cannot write received events") == 1);
  CHECK(logs.count("info", "writable again for received events") == 1);
}

// The sender commits a backlog in slices of 256 KiB (publish_pipeline.hpp): a disk that
// fills in the middle of a backlog of 16 KiB events fails one slice; it and every slice
// after it are held, in order, and nothing is sent out of order, twice or unlogged.
TEST_CASE("block: a disk filling inside a backlog holds the failed slice and all after it",
          "[node][log][faults]") {
  LoggedPair t(vsm::LogFailurePolicy::kBlock);

  t.env.fail_writes_after(600u << 10);  // about 37 events of 16 KiB, within the backlog
  std::vector<std::uint64_t> accepted;
  for (int i = 0; i < 200; ++i) {
    auto e = make_event(Channel::kCommand, "t", i);
    e.payload = vsm::Value::string(std::string(16'000, static_cast<char>('a' + i % 26)));
    auto r = t.p.pub.publish(std::move(e));
    if (r) {
      accepted.push_back(r->seq);
    } else {
      CHECK(r.error().code() == vsm::ErrorCode::kNoSpace);
    }
  }
  REQUIRE(vsm::test::wait_until(
      [&] { return t.p.pub.stats().log.health == vsm::persist::LogHealth::kFailing; }));
  t.env.heal();
  REQUIRE(vsm::test::wait_until([&] {
    const auto s = t.p.pub.stats();
    return s.log.health == vsm::persist::LogHealth::kHealthy && s.reliable_held == 0;
  }));
  REQUIRE(accepted.size() >= 37);
  CHECK(receive(t.sub, accepted.size()) == accepted);  // each once, in order
  CHECK_FALSE(t.sub.next(50ms).has_value());
  CHECK(t.p.pub.stats().unlogged == 0);
  t.p.pub.stop();
  CHECK(logged_seqs(t.log_dir) == accepted);
}
