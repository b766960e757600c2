// PrometheusText and the node's exposition, checked by the strict test parser.
#include "metrics/prometheus_text.hpp"

#include <catch2/catch.hpp>

#include "metrics/node_metrics.hpp"
#include "metrics/prometheus_parser.hpp"

using namespace vsm::detail;

TEST_CASE("label values are escaped and numbers exact", "[node][metrics]") {
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  PrometheusText t;
  t.family("x_total", "counter", "help\nwith a newline");
  t.sample("x_total", {{"k", "v\"1"}}, std::uint64_t{18'446'744'073'709'551'615u});
  t.family("y", "gauge", "a gauge");
  t.sample("y", {}, 0.25);
  const std::string text = t.take();
  CHECK(text ==
        "# HELP x_total help with a newline\n# TYPE x_total counter\n"
        "x_total{k=\"v\\\"1\"} 18446744073709551615\n"
        "# HELP y a gauge\n# TYPE y gauge\ny 0.25\n");
  const auto e = vsm::test::parse_prometheus(text);
  CHECK(e.samples[0].labels.at("k") == "v\"1");
}

TEST_CASE("histograms are cumulative, in seconds, and end in +Inf", "[node][metrics]") {
  vsm::LatencyHistogram h;
  h.record(40);          // <= 50 us
  h.record(700);         // <= 1 ms
  h.record(20'000'000);  // above 10 s
  PrometheusText t;
  t.family("lat_seconds", "histogram", "latency");
  t.histogram("lat_seconds", {{"channel", "audit"}}, h.snapshot());
  const std::string text = t.take();
  CHECK(text.find("lat_seconds_bucket{channel=\"audit\",le=\"5e-05\"} 1\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{channel=\"audit\",le=\"0.001\"} 2\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{channel=\"audit\",le=\"10\"} 2\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{channel=\"audit\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_seconds_count{channel=\"audit\"} 3\n") != std::string::npos);
  const auto e = vsm::test::parse_prometheus(text);
  CHECK(e.value("lat_seconds_sum") == Approx(20.00074));
}

TEST_CASE("the node exposition parses and carries every family", "[node][metrics]") {
  MetricsSnapshot m;
  m.node = "s5.policy";
  m.role = vsm::Role::kS5;
  m.version = "0.1.0";
  m.stats.channels[vsm::channel_index(vsm::Channel::kAudit)].published = 12;
  m.stats.health.state = vsm::Viability::kDegraded;
  m.stats.repair_breakers["s1.a"] = vsm::BreakerState::kOpen;
  m.stats.log_enabled = true;
  m.stats.log.bytes = 4096;
  m.gossip = true;
  vsm::gossip::Member a;
  a.name = "s1.a";
  a.state = vsm::gossip::MemberState::kDead;
  m.members = {a};
  m.partition.state = vsm::gossip::PartitionState::kDegraded;
  const auto e = vsm::test::parse_prometheus(render_node_metrics(m));
  CHECK(e.value("vsm_node_info", {{"node", "s5.policy"}, {"role", "S5"}}) == 1);
  CHECK(e.value("vsm_events_published_total", {{"channel", "audit"}}) == 12);
  CHECK(e.value("vsm_health_state", {{"state", "degraded"}}) == 1);
  CHECK(e.value("vsm_health_state", {{"state", "viable"}}) == 0);
  CHECK(e.value("vsm_repair_breaker_state", {{"publisher", "s1.a"}, {"state", "open"}}) == 1);
  CHECK(e.value("vsm_members", {{"state", "dead"}}) == 1);
  CHECK(e.value("vsm_member_up", {{"member", "s1.a"}}) == 0);
  CHECK(e.value("vsm_partition_state", {{"state", "degraded"}}) == 1);
  CHECK(e.value("vsm_log_bytes") == 4096);
  for (const char* family : {"vsm_deliver_latency_seconds", "vsm_algedonic_confirm_latency_seconds",
                             "vsm_log_fsync_seconds"}) {
    CHECK(e.types.at(family) == "histogram");
  }
  for (const auto& [name, type] : e.types) {
    if (type == "counter") CHECK(name.size() > 6);
    if (type == "counter") CHECK(name.substr(name.size() - 6) == "_total");
  }
}
