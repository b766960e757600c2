// `vsmcat --config FILE node`: the [node] keys for control, gossip, algedonic and log
// settings take effect, and wrong types or bad values fail with exit code 2 and a
// message naming the key (docs/CLI.md "Configuration file").
#include <catch2/catch.hpp>

#include "vsmcat_process.hpp"

namespace vsm::test {
namespace {

using namespace std::chrono_literals;

const std::string kKey(64, 'a');  // a valid cluster key: 32 bytes as hex

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("[node] control, gossip, dish and log keys configure vsmcat node", "[cli][config]") {
  TempDir dir;
  const std::string control = "ipc://" + (dir.path() / "control").string();
  const std::string log_dir = (dir.path() / "log").string();
  const std::string config = dir.write("vsm.toml", "[node]\n"
                                                   "name = \"cfg.node\"\n"
                                                   "role = \"S3\"\n"
                                                   "control_bind = \"" + control + "\"\n"
                                                   "gossip_bind = \"127.0.0.1:0\"\n"
                                                   "dish_bind = \"udp://127.0.0.1:*\"\n"
                                                   "cluster_key = \"" + kKey + "\"\n"
                                                   "log_dir = \"" + log_dir + "\"\n"
                                                   "log_received = true\n"
                                                   "log_fsync = \"always\"\n"
                                                   "log_fsync_interval_ms = 50\n"
                                                   "log_segment_bytes = 1048576\n"
                                                   "log_retention_bytes = 0\n"
                                                   "log_retention_age_ms = 0\n"
                                                   "log_max_pending_bytes = 1048576\n"
                                                   "publish_block_timeout_ms = 100\n"
                                                   "publish_inline = false\n");
  auto node = start_vsmcat({"--config", config, "node"});
  REQUIRE(node.expect_prefix("control ", 20s) == control);
  REQUIRE(node.expect_prefix("gossip 127.0.0.1:", 20s));
  REQUIRE(node.expect_prefix("ready", 20s));
  CHECK(std::filesystem::is_directory(log_dir));
  node.kill(SIGTERM);
  CHECK(node.wait_exit(20s) == 0);
}

TEST_CASE("[node] values of the wrong type or form name the key", "[cli][config]") {
  struct Case {
    std::string line;      // in [node]
    std::string expected;  // in vsmcat's error message
  };
  const Case cases[] = {
      {"control_bind = 5", "[node] control_bind must be a string"},
      {"dish_bind = true", "[node] dish_bind must be a string"},
      {"cluster_key = 1", "[node] cluster_key must be a string"},
      {"gossip_bind = [\"127.0.0.1:0\"]", "[node] gossip_bind must be a string"},
      {"seeds = 7", "[node] seeds must be a string or an array of strings"},
      {"seeds = [\"127.0.0.1:7946\", 2]", "[node] seeds must contain only strings"},
      {"log_dir = 1", "[node] log_dir must be a string"},
      {"log_received = \"yes\"", "[node] log_received must be true or false"},
      {"log_fsync = 1", "[node] log_fsync must be a string"},
      {"log_fsync = \"sometimes\"", "[node] log_fsync 'sometimes' is not a fsync policy"},
      {"log_fsync_interval_ms = 0", "[node] log_fsync_interval_ms must be a positive integer"},
      {"log_segment_bytes = \"64M\"", "[node] log_segment_bytes must be a positive integer"},
      {"log_retention_bytes = -1", "[node] log_retention_bytes must be a non-negative integer"},
      {"log_retention_age_ms = 1.5", "[node] log_retention_age_ms must be a non-negative integer"},
      {"log_max_pending_bytes = 0", "[node] log_max_pending_bytes must be a positive integer"},
      {"log_fsynk = \"always\"", "[node] log_fsynk is not a known key"},
      {"publish_inline = 1", "[node] publish_inline must be true or false"},
      {"publish_block_timeout_ms = -5",
       "[node] publish_block_timeout_ms must be a non-negative integer"},
      {"control_bind = \"udp://127.0.0.1:1\"", "control_bind: endpoint 'udp://127.0.0.1:1'"},
      {"gossip_bind = \"127.0.0.1:http\"", "gossip_bind '127.0.0.1:http' must be HOST:PORT"},
      {"seeds = \"no-port\"", "seeds 'no-port' must be HOST:PORT"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    INFO(c.line);
    const std::string config = dir.write("bad.toml", "[node]\n" + c.line + "\n");
    auto node = start_vsmcat({"--config", config, "node"});
    const auto output = read_all_lines(node, 20s);
    INFO(Catch::Detail::stringify(output));
    CHECK(node.wait_exit(20s) == 2);
    CHECK(contains(output, c.expected));
  }
}

}  // namespace vsm::test
