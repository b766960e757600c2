// Control-plane replies to clients that do not read are bounded (control/reply_budget.hpp,
// docs/PROTOCOL.md §2): the reply bytes a node holds for such a client stay below its
// per-client limit plus one capped reply, further requests get "busy", and everything is
// released when the client leaves. Memory of a separate process is measured in
// tests/integration/bounded_memory_test.cpp; here the node's own accounting is checked.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <zmq.hpp>

#include "control/control_format.hpp"
#include "control/control_query.hpp"
#include "control/reply_budget.hpp"
#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/control_client.hpp"
#include "vsm/msgpack_writer.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::detail::ReplyBudget;
using vsm::detail::ReplyLimits;

namespace {

std::string query_request(std::uint64_t rid) {
  vsm::detail::QueryRequest q;
  q.query.channel = vsm::Channel::kCommand;
  q.query.limit = vsm::control_format::kMaxQueryBatch;
  return vsm::detail::encode_query_request(q, rid);
}

// A node whose log holds `mib` MiB of 60 KiB events on the command channel.
vsm::NodeConfig big_log_node(const std::string& dir) {
  auto cfg = vsm::test::node_config("s3.big", vsm::Role::kS3);
  cfg.log_dir = dir;
  cfg.log_options.fsync = vsm::persist::FsyncPolicy::kNone;
  cfg.replay_ring_bytes_per_channel = 0;
  return cfg;
}

void fill(vsm::Node& node, int mib) {
  const std::string blob(60 << 10, 'x');
  for (int i = 0; i < mib * 1024 / 60; ++i) {
    vsm::Event e;
    e.channel = vsm::Channel::kCommand;
    e.type = "blob";
    e.payload = vsm::pack_value(blob);
    REQUIRE(node.publish(std::move(e)));
  }
}

}  // namespace

TEST_CASE("a reply budget refuses a client over its limits and releases on destruction",
          "[node][control][bounded]") {
  ReplyLimits limits;
  limits.client_replies = 2;
  limits.client_bytes = 1u << 20;
  limits.total_bytes = 5u << 20;
  auto budget = ReplyBudget::create(limits);
  CHECK_FALSE(budget->refuse("a"));
  auto r1 = budget->messages("a", "body", {std::string(100, 'x')});
  REQUIRE(r1.size() == 2);
  CHECK(r1[1].size() == 100);
  CHECK_FALSE(budget->refuse("a"));
  auto r2 = budget->messages("a", "body", {});
  REQUIRE(budget->refuse("a"));  // two replies in flight
  CHECK(budget->refuse("a")->find("busy") != std::string::npos);
  CHECK_FALSE(budget->refuse("b"));
  auto big = budget->messages("b", "body", {std::string(3u << 20, 'y')});
  CHECK(budget->refuse("b"));  // its bytes
  auto big2 = budget->messages("c", "body", {std::string(2u << 20, 'z')});
  CHECK(budget->refuse("d"));  // the node's total
  CHECK(budget->clients_in_flight() == 3);
  r1.clear();
  r2.clear();
  big.clear();
  big2.clear();
  CHECK(budget->bytes_in_flight() == 0);
  CHECK(budget->clients_in_flight() == 0);
  CHECK_FALSE(budget->refuse("a"));
  CHECK(budget->take_trim_due());  // a burst of more than 4 MiB drained
  CHECK_FALSE(budget->take_trim_due());
}

TEST_CASE("a control client that never reads costs the node a bounded amount, released "
          "when it leaves",
          "[node][control][bounded]") {
  vsm::test::TempDir dir;
  vsm::Node node(big_log_node((dir / "log").string()));
  REQUIRE(node.start());
  fill(node, 24);
  vsm::ControlClient reader(node.control_endpoint());
  REQUIRE(reader.ping());

  zmq::context_t ctx;
  auto hog = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
  hog->set(zmq::sockopt::rcvhwm, 1);
  hog->set(zmq::sockopt::rcvbuf, 4096);
  hog->set(zmq::sockopt::linger, 0);
  hog->connect(node.control_endpoint());
  for (std::uint64_t rid = 1; rid <= 60; ++rid) {
    REQUIRE(hog->send(zmq::buffer(query_request(rid)), zmq::send_flags::none));
  }
  const auto cfg = node.config();
  const std::uint64_t bound = cfg.control_max_client_reply_bytes +
                              vsm::control_format::kMaxQueryReplyBytes + (1u << 20);
  // Every request is answered or refused; what the node holds for the client is bounded.
  REQUIRE(vsm::test::wait_until(
      [&] {
        const auto s = node.stats();
        CHECK(s.control_reply_bytes <= bound);
        return s.control_busy + s.control_dropped >= 60 - cfg.control_max_client_replies - 2;
      },
      60s));
  CHECK(node.stats().control_reply_bytes <= bound);
  CHECK(node.stats().control_reply_bytes > 0);
  CHECK(reader.ping());  // other clients are still served

  hog.reset();  // it leaves: the replies it never read are released
  REQUIRE(vsm::test::wait_until([&] { return node.stats().control_reply_bytes == 0; }, 20s));
  auto page = reader.query(vsm::persist::LogQuery{});
  REQUIRE(page);
  CHECK_FALSE(page->entries.empty());
  // The stats reply carries the bounds' counters and the log's health.
  auto stats = reader.stats();
  REQUIRE(stats);
  auto oh = msgpack::unpack(stats->bytes().data(), stats->bytes().size());
  std::map<std::string, msgpack::object> m;
  oh.get().convert(m);
  CHECK(m.at("control_busy").as<std::uint64_t>() == node.stats().control_busy);
  CHECK(m.at("control_busy").as<std::uint64_t>() > 0);
  auto log = m.at("log").as<std::map<std::string, msgpack::object>>();
  CHECK(log.at("enabled").as<bool>());
  CHECK(log.at("health").as<std::string>() == "healthy");
  CHECK(m.count("unlogged") == 1);
  CHECK(m.count("publishers_evicted") == 1);
}
