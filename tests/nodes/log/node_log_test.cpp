#include <catch2/catch.hpp>

#include <filesystem>

#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/control_client.hpp"
#include "vsm/persist/log_reader.hpp"

using vsm::test::make_event;
using vsm::test::node_config;
using vsm::test::TempDir;

TEST_CASE("a node logs what it publishes and continues its sequence after restart",
          "[node][log]") {
  TempDir dir;
  auto cfg = node_config("s1.logged", vsm::Role::kS1);
  cfg.log_dir = (dir / "log").string();
  {
    vsm::Node n(cfg);
    REQUIRE(n.start().ok());
    for (int i = 0; i < 100; ++i) {
      auto r = n.publish(make_event(vsm::Channel::kCoordination, "c", i));
      REQUIRE(r.ok());
    }
  }
  {
    auto reader = vsm::persist::LogReader::open(cfg.log_dir);
    REQUIRE(reader.ok());
    auto all = (*reader)->query({});
    REQUIRE(all.ok());
    CHECK(all->size() == 100);
  }
  cfg.replay_ring_bytes_per_channel = 0;  // force replay from the log
  vsm::Node again(cfg);
  REQUIRE(again.start().ok());
  auto r = again.publish(make_event(vsm::Channel::kCoordination, "c", 100));
  REQUIRE(r.ok());
  CHECK(r->seq == 101);
  vsm::ControlClient c(again.control_endpoint());
  auto batch = c.replay(vsm::Channel::kCoordination, 50, 60);
  REQUIRE(batch.ok());
  REQUIRE(batch->events.size() == 11);
  CHECK(batch->events.front().seq == 50);
  CHECK(vsm::unpack_value<int>(batch->events.back().payload).value() == 59);
}

TEST_CASE("a second node cannot open the same log directory", "[node][log]") {
  TempDir dir;
  auto cfg = node_config("s1.one", vsm::Role::kS1);
  cfg.log_dir = (dir / "log").string();
  vsm::Node a(cfg);
  REQUIRE(a.start().ok());
  cfg.name = "s1.two";
  vsm::Node b(cfg);
  auto st = b.start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == vsm::ErrorCode::kAlreadyExists);
}
