#include <catch2/catch.hpp>

#include <zmq.hpp>

#include "node_fixture.hpp"
#include "vsm/control_client.hpp"
#include "vsm/msgpack_reader.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

TEST_CASE("control plane answers ping, info and stats", "[node][control]") {
  vsm::Node n(node_config("s3.ctl", vsm::Role::kS3));
  REQUIRE(n.start().ok());
  REQUIRE_FALSE(n.control_endpoint().empty());
  vsm::ControlClient c(n.control_endpoint());
  CHECK(c.ping().ok());
  for (int i = 0; i < 3; ++i) REQUIRE(n.publish(make_event(vsm::Channel::kCommand, "t", i)).ok());
  auto info = c.info();
  REQUIRE(info.ok());
  CHECK(info->bytes().find("s3.ctl") != std::string::npos);
  auto stats = c.stats();
  REQUIRE(stats.ok());
  auto oh = msgpack::unpack(stats->bytes().data(), stats->bytes().size());
  std::map<std::string, msgpack::object> m;
  oh.get().convert(m);
  REQUIRE(m.count("channels") == 1);
  auto total = m.at("total").as<std::map<std::string, msgpack::object>>();
  CHECK(total.at("published").as<std::uint64_t>() == 3);
  CHECK(total.at("variety_pressure").as<double>() == 0.0);  // quotas off
  CHECK(total.size() == 10);
  CHECK(m.at("repairs_requested").as<std::uint64_t>() == 0);
  CHECK(m.at("repair_breakers").type == msgpack::type::MAP);
  auto gossip = m.at("gossip").as<std::map<std::string, msgpack::object>>();
  CHECK(gossip.size() == 10);
  CHECK_FALSE(gossip.at("enabled").as<bool>());  // no gossip_bind
  auto variety = m.at("variety").as<std::map<std::string, msgpack::object>>();
  CHECK(variety.at("reconciled_events").as<std::uint64_t>() == 0);
  CHECK(variety.at("reconcile_failed").as<std::uint64_t>() == 0);
  CHECK(variety.at("reconcile_truncated").as<std::uint64_t>() == 0);
  std::size_t used = 0;  // a hand-counted map size too small would leave bytes unread
  (void)msgpack::unpack(stats->bytes().data(), stats->bytes().size(), used);
  CHECK(used == stats->bytes().size());
}

TEST_CASE("replay serves retained events by channel and sequence range", "[node][control]") {
  auto cfg = node_config("s1.rep", vsm::Role::kS1);
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  for (int i = 0; i < 100; ++i) {
    REQUIRE(n.publish(make_event(vsm::Channel::kCoordination, "c", i)).ok());
    if (i % 10 == 0) REQUIRE(n.publish(make_event(vsm::Channel::kAudit, "a", i)).ok());
  }
  vsm::ControlClient c(n.control_endpoint());
  auto b = c.replay(vsm::Channel::kCoordination, 10, 19);
  REQUIRE(b.ok());
  REQUIRE(b->events.size() == 10);
  CHECK(b->events.front().seq == 10);
  CHECK(b->events.back().seq == 19);
  CHECK(vsm::unpack_value<int>(b->events.front().payload).value() == 9);
  CHECK(b->oldest == 1);
  CHECK(b->last == 100);
  auto audit = c.replay(vsm::Channel::kAudit, 1, UINT64_MAX);
  REQUIRE(audit.ok());
  CHECK(audit->events.size() == 10);
  auto capped = c.replay(vsm::Channel::kCoordination, 1, UINT64_MAX, 7);
  REQUIRE(capped.ok());
  CHECK(capped->events.size() == 7);
  auto empty = c.replay(vsm::Channel::kCommand, 1, 10);
  REQUIRE(empty.ok());
  CHECK(empty->events.empty());
  CHECK(empty->last == 0);
}

TEST_CASE("the replay ring evicts the oldest events when full", "[node][control]") {
  auto cfg = node_config("s1.ring", vsm::Role::kS1);
  cfg.replay_ring_bytes_per_channel = 4096;
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  for (int i = 0; i < 500; ++i) REQUIRE(n.publish(make_event(vsm::Channel::kCoordination, "c", i)).ok());
  vsm::ControlClient c(n.control_endpoint());
  auto b = c.replay(vsm::Channel::kCoordination, 1, UINT64_MAX);
  REQUIRE(b.ok());
  REQUIRE_FALSE(b->events.empty());
  CHECK(b->oldest > 1);
  CHECK(b->events.front().seq == b->oldest);
  CHECK(b->events.back().seq == 500);
  for (std::size_t i = 1; i < b->events.size(); ++i) {
    CHECK(b->events[i].seq == b->events[i - 1].seq + 1);
  }
}

TEST_CASE("bad control requests get an error reply, not a crash", "[node][control]") {
  vsm::Node n(node_config("s1.bad", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  zmq::context_t ctx;
  zmq::socket_t d(ctx, zmq::socket_type::dealer);
  d.set(zmq::sockopt::linger, 0);
  d.set(zmq::sockopt::rcvtimeo, 5000);
  d.connect(n.control_endpoint());
  for (std::string junk : {std::string("\xc1garbage"), std::string("\x81\xa2op\xa4nope"),
                           std::string(""), std::string("\x82\xa2op\xa6replay\xa3rid\x05")}) {
    d.send(zmq::buffer(junk));
    zmq::message_t reply;
    REQUIRE(d.recv(reply));
    vsm::MsgpackReader r(reply.to_string_view());
    REQUIRE(r.read_map_header());
    CHECK(reply.to_string().find("ok") != std::string::npos);
    CHECK(reply.to_string().find('\xc2') != std::string::npos);  // ok = false
  }
  vsm::ControlClient c(n.control_endpoint());
  CHECK(c.ping().ok());  // still serving
}

TEST_CASE("a control request to a silent endpoint times out", "[node][control]") {
  zmq::context_t ctx;
  zmq::socket_t silent(ctx, zmq::socket_type::router);
  silent.bind("tcp://127.0.0.1:*");
  vsm::ControlClient c(silent.get(zmq::sockopt::last_endpoint), 200ms);
  auto st = c.ping();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == vsm::ErrorCode::kDeliveryTimeout);
}
