// A node with metrics_bind serves /metrics over HTTP: scraped with an HTTP client, parsed
// by the strict parser; events delivered between two scrapes show up in the counters and
// the publish -> deliver latency histogram.
#include <httplib.h>

#include <catch2/catch.hpp>

#include "metrics/prometheus_parser.hpp"
#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;

namespace {

vsm::test::PromExposition scrape(const std::string& endpoint) {
  // "http://127.0.0.1:PORT/metrics"
  const auto host_start = endpoint.find("//") + 2;
  const auto path = endpoint.find('/', host_start);
  httplib::Client client(endpoint.substr(0, path));
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(endpoint.substr(path));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  return vsm::test::parse_prometheus(res->body);
}

}  // namespace

TEST_CASE("a node serves Prometheus metrics over HTTP", "[node][metrics]") {
  auto pub_cfg = vsm::test::node_config("s3.pub", vsm::Role::kS3);
  auto sub_cfg = vsm::test::node_config("s1.sub", vsm::Role::kS1);
  sub_cfg.metrics_bind = "127.0.0.1:0";
  vsm::test::PubSubPair pair(pub_cfg, sub_cfg);
  const std::string ep = pair.sub.metrics_endpoint();
  REQUIRE(ep.rfind("http://127.0.0.1:", 0) == 0);
  CHECK(pair.pub.metrics_endpoint().empty());

  const auto before = scrape(ep);
  CHECK(before.value("vsm_node_info", {{"node", "s1.sub"}}) == 1);
  CHECK(before.value("vsm_deliver_latency_seconds_count", {{"channel", "command"}}) == 0);

  auto sub = pair.subscribe_ready(vsm::Filter::on(vsm::Channel::kCommand));
  for (int i = 0; i < 20; ++i) {
    REQUIRE(pair.pub.publish(vsm::test::make_event(vsm::Channel::kCommand, "go", i)).ok());
  }
  for (int i = 0; i < 20; ++i) REQUIRE(sub.next(10s));
  const auto after = scrape(ep);
  CHECK(after.value("vsm_events_delivered_total", {{"channel", "command"}}) == 20);
  CHECK(after.value("vsm_deliver_latency_seconds_count", {{"channel", "command"}}) == 20);
  CHECK(after.value("vsm_deliver_latency_seconds_bucket",
                    {{"channel", "command"}, {"le", "+Inf"}}) == 20);
  CHECK(after.value("vsm_health_state", {{"state", "viable"}}) == 1);

  const auto stats = pair.sub.stats();
  const auto& lat = stats.of(vsm::Channel::kCommand).latency;
  CHECK(lat.count == 20);
  CHECK(lat.percentile_us(0.5) <= lat.percentile_us(0.99));
  CHECK(lat.percentile_us(0.99) <= lat.max_us);
}

TEST_CASE("a bad metrics_bind is refused at start", "[node][metrics]") {
  auto cfg = vsm::test::node_config("s1.bad", vsm::Role::kS1);
  cfg.metrics_bind = "no-port";
  vsm::Node n(cfg);
  auto st = n.start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == vsm::ErrorCode::kInvalid);
}
