// The variety tables of the config file (cli/src/variety_config_toml.hpp): [variety]
// with [[variety.compress]], [flow], [chaos] and [partition], and their errors.
#include <catch2/catch.hpp>

#include <string>

#include "node_config_toml.hpp"

namespace {
vsm::Status apply(const std::string& doc, vsm::NodeConfig& cfg) {
  return vsmcat::apply_node_config_toml(doc, "v.toml", cfg);
}
}  // namespace

TEST_CASE("the variety tables configure quotas, compression, flow, chaos and partitions",
          "[cli][config][variety]") {
  vsm::NodeConfig cfg;
  REQUIRE(apply(R"(
[variety]
quotas = true
quota_policy = "delay"
s1_rate_per_s = 250
source_rate_per_s = { "s1.pump" = 20 }
channel_rate_per_s = { coordination = 5000 }
aimd = true
aimd_decrease = 0.25
compress_max_signatures = 100
[[variety.compress]]
channel = "coordination"
type = "temp"
keys = ["sensor"]
window_ms = 500
max_events = 1000
[flow]
allow = ["command:S4->S1", "audit:S1->*"]
[chaos]
enabled = true
seed = 7
[partition]
strategy = "vsm_health"
role_weights = { S5 = 3, S3 = 2 }
node_weights = { "s1.a" = 0.5 }
pain_window_ms = 5000
degraded_refuse_commands = false
reconcile = false
reconcile_max_ranges = 8
reconcile_max_events = 500
reconcile_timeout_ms = 750
[gossip]
max_members = 5000
max_gossip_connections = 64
push_pull_interval_ms = 2500
)", cfg));
  CHECK(cfg.quotas_enabled);
  CHECK(cfg.quotas.policy == vsm::QuotaPolicy::kDelay);
  CHECK(cfg.quotas.s1_rate_per_s == 250);
  CHECK(cfg.quotas.source_rate_per_s.at("s1.pump") == 20);
  CHECK(cfg.quotas.channel_rate_per_s[vsm::channel_index(vsm::Channel::kCoordination)] == 5000);
  CHECK(cfg.quotas.aimd_enabled);
  CHECK(cfg.quotas.aimd_decrease == 0.25);
  CHECK(cfg.compression.max_signatures == 100);
  REQUIRE(cfg.compression.rules.size() == 1);
  const auto& rule = cfg.compression.rules[0];
  CHECK(rule.channel == vsm::Channel::kCoordination);
  CHECK(rule.type == "temp");
  CHECK(rule.keys == std::vector<std::string>{"sensor"});
  CHECK(rule.window_ms == 500);
  CHECK(rule.max_events == 1000);
  REQUIRE(cfg.flow_rules.size() == 2);
  CHECK(vsm::flow_rule_text(cfg.flow_rules[0]) == "command:S4->S1");
  CHECK(cfg.chaos.enabled);
  CHECK(cfg.chaos.seed == 7);
  CHECK(cfg.partition.strategy == vsm::gossip::PartitionStrategy::kVsmHealth);
  CHECK(cfg.partition.role_weights.at(vsm::Role::kS5) == 3);
  CHECK(cfg.partition.node_weights.at("s1.a") == 0.5);
  CHECK(cfg.partition.pain_window_ms == 5000);
  CHECK_FALSE(cfg.degraded_refuse_commands);
  CHECK_FALSE(cfg.reconcile);
  CHECK(cfg.reconcile_max_ranges == 8);
  CHECK(cfg.reconcile_max_events == 500);
  CHECK(cfg.reconcile_timeout_ms == 750);
  CHECK(cfg.gossip.max_members == 5000);
  CHECK(cfg.max_gossip_connections == 64);
  CHECK(cfg.gossip.push_pull_interval_ms == 2500);
}

TEST_CASE("fault injection and compression stay off without the tables",
          "[cli][config][variety]") {
  vsm::NodeConfig cfg;
  REQUIRE(apply("[node]\nname = \"s1.x\"\n", cfg));
  CHECK_FALSE(cfg.chaos.enabled);
  CHECK(cfg.compression.rules.empty());
  CHECK(cfg.flow_rules.empty());
}

TEST_CASE("bad variety values are errors naming the table and key", "[cli][config][variety]") {
  struct Case {
    const char* doc;
    const char* needle;
  };
  const Case cases[] = {
      {"[variety]\nquotass = true\n", "[variety] quotass is not a known key"},
      {"[variety]\nquota_policy = \"drop\"\n", "[variety] quota_policy"},
      {"[variety]\ns1_rate_per_s = -1\n", "[variety] s1_rate_per_s"},
      {"[partition]\nreconcile_max_events = 0\n", "[partition] reconcile_max_events"},
      {"[partition]\nreconcile = 1\n", "[partition] reconcile"},
      {"[gossip]\nmax_members = 0\n", "[gossip] max_members"},
      {"[gossip]\nmax_peers = 3\n", "[gossip] max_peers is not a known key"},
      {"[variety]\nchannel_rate_per_s = { nope = 1 }\n", "unknown channel 'nope'"},
      {"[[variety.compress]]\ntype = \"t\"\n", "[[variety.compress]]"},
      {"[[variety.compress]]\nchannel = \"ops\"\n", "unknown channel 'ops'"},
      {"[[variety.compress]]\nchannel = \"coordination\"\nwindow_ms = 0\n", "window_ms"},
      {"[flow]\nallow = [\"command:S9->S1\"]\n", "[flow] allow"},
      {"[chaos]\nenabled = 1\n", "[chaos] enabled must be true or false"},
      {"[partition]\nstrategy = \"coin\"\n", "[partition] strategy"},
      {"[partition]\nrole_weights = { S7 = 1 }\n", "unknown role 'S7'"},
      {"chaos = 3\n", "[chaos] must be a table"},
  };
  for (const auto& c : cases) {
    vsm::NodeConfig cfg;
    auto st = apply(c.doc, cfg);
    INFO(c.doc);
    REQUIRE_FALSE(st);
    CHECK(st.error().message().find(c.needle) != std::string::npos);
    CHECK(st.error().message().find("config 'v.toml'") != std::string::npos);
  }
}
