// The control plane's health and recent ops, the operator fields of stats, and the
// members op's partition sides.
#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "node_fixture.hpp"
#include "vsm/control_client.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;

namespace {

std::map<std::string, msgpack::object> as_map(const vsm::Value& v, msgpack::object_handle& oh) {
  oh = msgpack::unpack(v.bytes().data(), v.bytes().size());
  std::map<std::string, msgpack::object> m;
  oh.get().convert(m);
  return m;
}

}  // namespace

TEST_CASE("health: verdict, code and reasons over the control plane", "[node][control][health]") {
  auto cfg = vsm::test::node_config("s1.health", vsm::Role::kS1);
  cfg.gossip_bind = "127.0.0.1:0";
  cfg.partition.join_grace_ms = 0;  // alone without S5: degraded
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  REQUIRE(vsm::test::wait_until(
      [&] { return n.partition_state() == vsm::gossip::PartitionState::kDegraded; }));
  vsm::ControlClient c(n.control_endpoint());
  auto h = c.health();
  REQUIRE(h.ok());
  msgpack::object_handle oh;
  auto m = as_map(*h, oh);
  CHECK(m.at("state").as<std::string>() == "degraded");
  CHECK(m.at("code").as<int>() == 1);
  CHECK(m.at("node").as<std::string>() == "s1.health");
  auto reasons = m.at("reasons").as<std::vector<std::string>>();
  REQUIRE(reasons.size() == 1);
  CHECK(reasons[0] == "partition degraded: no S5 in partition");

  auto members = c.members();
  REQUIRE(members.ok());
  msgpack::object_handle oh2;
  auto mm = as_map(*members, oh2);
  CHECK(mm.at("sides").as<std::vector<std::vector<std::string>>>() ==
        std::vector<std::vector<std::string>>{{"s1.health"}});
  CHECK(mm.at("quorum").as<bool>());
}

TEST_CASE("recent: the node's last reports and alerts", "[node][control][health]") {
  vsm::Node n(vsm::test::node_config("s1.recent", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  REQUIRE(n.publish_algedonic(vsm::Severity::kCritical, vsm::Signal::kPain, "pump 3").ok());
  REQUIRE(vsm::test::wait_until([&] { return n.recent_telemetry().size() >= 2; }));
  vsm::ControlClient c(n.control_endpoint());
  auto r = c.recent();
  REQUIRE(r.ok());
  msgpack::object_handle oh;
  auto m = as_map(*r, oh);
  auto alerts = m.at("alerts").as<std::vector<std::map<std::string, msgpack::object>>>();
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].at("description").as<std::string>() == "pump 3");
  CHECK(alerts[0].at("severity").as<std::string>() == "critical");
  CHECK(alerts[0].at("raised").as<bool>());
  auto reports = m.at("telemetry").as<std::vector<std::map<std::string, msgpack::object>>>();
  REQUIRE(reports.size() >= 2);
  CHECK(reports[0].at("kind").as<std::string>() == "algedonic_raised");
  CHECK(reports[0].at("node").as<std::string>() == "s1.recent");
}

TEST_CASE("stats carries latency and rate tables, health, telemetry and log fields",
          "[node][control][health]") {
  vsm::Node n(vsm::test::node_config("s1.ops", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  vsm::ControlClient c(n.control_endpoint());
  auto s = c.stats();
  REQUIRE(s.ok());
  msgpack::object_handle oh;
  auto m = as_map(*s, oh);
  auto latency = m.at("latency").as<std::map<std::string, std::map<std::string, std::uint64_t>>>();
  REQUIRE(latency.count("audit") == 1);
  REQUIRE(latency.count("total") == 1);
  CHECK(latency.at("audit").at("count") == 0);
  CHECK(latency.at("audit").count("p99_us") == 1);
  auto rates = m.at("rates").as<std::map<std::string, std::map<std::string, double>>>();
  CHECK(rates.at("command").count("published_per_s") == 1);
  CHECK(m.at("health").as<std::string>() == "viable");
  CHECK(m.at("health_reasons").as<std::vector<std::string>>().empty());
  CHECK(m.at("telemetry").type == msgpack::type::MAP);
  CHECK(m.at("algedonic").type == msgpack::type::MAP);
  CHECK(m.at("log").is_nil());  // no log_dir
}
