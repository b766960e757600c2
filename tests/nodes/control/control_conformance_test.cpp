// Control-plane replies against docs/PROTOCOL.md §2, issue #16 item 7: `info` carries the
// release as `version`; `replay` with `max` = 0 is an empty page, from the ring and from
// the log alike, that still reports the channel's `oldest` and `last`.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/control_client.hpp"

using vsm::test::make_event;
using vsm::test::node_config;
using vsm::test::TempDir;

TEST_CASE("info reports the node's release as version", "[node][control][conformance]") {
  vsm::Node n(node_config("s3.info", vsm::Role::kS3));
  REQUIRE(n.start().ok());
  vsm::ControlClient c(n.control_endpoint());
  auto info = c.info();
  REQUIRE(info.ok());
  auto oh = msgpack::unpack(info->bytes().data(), info->bytes().size());
  std::map<std::string, msgpack::object> m;
  oh.get().convert(m);
  REQUIRE(m.count("version") == 1);
  REQUIRE(m.at("version").type == msgpack::type::STR);
  CHECK(m.at("version").as<std::string>() == VSM_EXPECTED_VERSION);
  for (const char* key : {"name", "role", "instance", "pub", "control"}) {
    CHECK(m.count(key) == 1);
  }
}

TEST_CASE("replay with max 0 returns no events, only the heads", "[node][control][conformance]") {
  TempDir dir;
  auto cfg = node_config("s1.max0", vsm::Role::kS1);
  cfg.log_dir = (dir / "log").string();
  const bool from_log = GENERATE(false, true);
  if (from_log) cfg.replay_ring_bytes_per_channel = 0;  // every replay reads the log
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  for (int i = 0; i < 5; ++i) REQUIRE(n.publish(make_event(vsm::Channel::kAudit, "a", i)).ok());
  vsm::ControlClient c(n.control_endpoint());
  INFO("from the log: " << from_log);
  auto none = c.replay(vsm::Channel::kAudit, 1, UINT64_MAX, 0);
  REQUIRE(none.ok());
  CHECK(none->events.empty());
  CHECK(none->last == 5);
  auto one = c.replay(vsm::Channel::kAudit, 1, UINT64_MAX, 1);
  REQUIRE(one.ok());
  REQUIRE(one->events.size() == 1);
  CHECK(one->events.front().seq == 1);
}
