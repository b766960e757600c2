// Fuzz target "node_config_toml" (fuzz_target.hpp): the [node] and [security] tables of a
// vsmcat TOML config file (cli/src/node_config_toml.hpp, docs/CLI.md), toml++ parser included
// (compiled header-only here, so libFuzzer sees its branches). Nothing crashes or
// throws; every refusal names the file; applying a document is deterministic.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "node_config_toml.hpp"

namespace {

using vsm::fuzz::fuzz_failure;

const std::string kSource = "fuzz.toml";

bool one(std::string_view input) {
  vsm::NodeConfig cfg;
  auto st = vsmcat::apply_node_config_toml(input, kSource, cfg);
  vsm::NodeConfig again;
  auto st2 = vsmcat::apply_node_config_toml(input, kSource, again);
  if (st.ok() != st2.ok()) fuzz_failure("applying the same document twice differs", input);
  if (!st) {
    if (st.error().message().find("config '" + kSource + "'") == std::string::npos) {
      fuzz_failure("a refusal does not name the file: " + st.error().message(), input);
    }
    return false;
  }
  if (cfg.name != again.name || cfg.dish_bind != again.dish_bind || cfg.peers != again.peers) {
    fuzz_failure("applying the same document twice differs", input);
  }
  return true;
}

std::vector<std::string> seeds() {
  return {
      "# every [node] key\n"
      "[node]\n"
      "name = \"s1.ops\"\nrole = \"S3*\"\nbind = \"tcp://127.0.0.1:*\"\n"
      "advertise = \"tcp://10.0.0.1:7000\"\npeers = [\"tcp://127.0.0.1:7001\", \"tcp://h:2\"]\n"
      "hwm = 1000\nsend_hwm = 2000\nrecv_hwm = 3000\nlinger_ms = 10\n"
      "publish_queue_capacity = 4096\npublish_block_timeout_ms = 0\npublish_inline = true\n"
      "validate_flow = false\nmax_event_bytes = 65536\ncontrol_bind = \"tcp://127.0.0.1:*\"\n"
      "dish_bind = \"udp://127.0.0.1:*\"\ndish_peers = \"udp://127.0.0.1:7002\"\n"
      "cluster_key = \"" + std::string(64, 'a') + "\"\n"
      "gossip_bind = \"127.0.0.1:0\"\nseeds = [\"127.0.0.1:7946\"]\nlog_dir = \"/tmp/x\"\n"
      "log_received = true\nlog_fsync = \"interval\"\nlog_fsync_interval_ms = 100\n"
      "log_segment_bytes = 1048576\nlog_retention_bytes = 0\nlog_retention_age_ms = 0\n"
      "log_max_pending_bytes = 8388608\n",
      "# every [security] key\n"
      "[security]\nkey_file = \"keys/s1.key\"\ntrusted_dir = \"trusted\"\n"
      "trusted_reload_ms = 2000\nsigned_channels = [\"command\", \"algedonic\"]\n"
      "refusal_log_interval_ms = 0\ncluster_key = \"" +
          std::string(64, 'b') +
          "\"\n"
          "previous_cluster_key = \"" +
          std::string(64, 'c') +
          "\"\nprevious_key_grace_ms = 1\n"
          "gossip_key = \"" +
          std::string(64, 'd') + "\"\ngossip_previous_key = \"\"\n",
      // Tables other than [node] and [security] are refused (a misspelt [node] must not be
      // ignored), so these seeds exercise the parser through values instead.
      "[node]\nname = 'x'\nlog_fsync = 'always'\n",
      "# the operator's keys (node_config_keys_ops.cpp)\n[node]\nmetrics_bind = '127.0.0.1:0'\n"
      "telemetry_enabled = true\ntelemetry_max_per_s = 2.5\ntelemetry_burst = 10\n"
      "telemetry_interval_ms = 500\ntelemetry_pressure_high = 0.9\ntelemetry_pressure_low = 0.5\n"
      "health_queue_fill_degraded = 0.75\nhealth_alert_window_ms = 1000\n"
      "dedup_window_ids = 16\ndedup_window_ms = 100\nquotas_enabled = true\n"
      "quota_policy = 'delay'\nquota_max_delay_ms = 10\nquota_burst_ms = 1000\n"
      "quota_s1_rate_per_s = 1\nquota_s2_rate_per_s = 2\nquota_s3_rate_per_s = 3\n"
      "quota_s3star_rate_per_s = 3\nquota_s4_rate_per_s = 4\nquota_s5_rate_per_s = 5\n"
      "quota_unknown_role_rate_per_s = 0\nquota_source_rates = { 's1.a' = 1, \"s1.b\" = 2.5 }\n"
      "quota_channel_rates = { audit = 10 }\nquota_max_tracked_sources = 8\n"
      "partition_expected_total_weight = 3\npartition_default_weight = 1\n"
      "partition_role_weights = { S5 = 2, 'S3*' = 1 }\npartition_require_s5 = false\n"
      "partition_require_s3 = true\npartition_healing_hold_ms = 0\n"
      "partition_join_grace_ms = 30000\n",
      "[node]\nname = \"\"\"s1.\\\n  x\"\"\"\n"
      "# a comment [sub.nested] k = [1, 2.5, {a = 1}] d = 1979-05-27T07:32:00Z\n",
  };
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"node_config_toml", seeds, one};
  return target;
}
