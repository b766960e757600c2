// ZAP decisions (nodes/src/security/zap_handler.*) and the rate-limited refusal log.
#include "security/zap_handler.hpp"

#include <catch2/catch.hpp>

#include "security/refusal_log.hpp"
#include "temp_dir.hpp"

namespace vsm::detail {

TEST_CASE("zap: only trusted CURVE keys get in, named by their node", "[security]") {
  test::TempDir dir;
  const auto a = generate_keys("node-a", Role::kS3);
  dir.write("a.pub", format_public_key_file(a.pub));
  TrustedKeyStore store(dir.path().string(), 1'000);
  REQUIRE(store.open().ok());
  ZapPolicy policy(store, "me", 1'000);

  auto ok = policy.decide({"vsm-data", "127.0.0.1", "CURVE", a.pub.curve_public}, 0);
  CHECK(ok.allowed);
  CHECK(ok.user_id == "node-a");

  const auto stranger = generate_keys("node-a", Role::kS3);  // same name, other key
  auto no = policy.decide({"vsm-data", "127.0.0.2", "CURVE", stranger.pub.curve_public}, 0);
  CHECK_FALSE(no.allowed);
  CHECK(no.reason.find("untrusted") != std::string::npos);
  CHECK_FALSE(policy.decide({"vsm-control", "127.0.0.3", "NULL", ""}, 0).allowed);
  CHECK_FALSE(policy.decide({"vsm-data", "127.0.0.4", "CURVE", "short"}, 0).allowed);
  CHECK(policy.accepted() == 1);
  CHECK(policy.refused() == 3);
}

TEST_CASE("refusal log: one warning per interval, the rest summarised", "[security]") {
  RefusalLog log("me", "refused a connection from", 1'000);
  const std::string first = log.note("10.0.0.1", "untrusted key", 0);
  CHECK(first == "vsm: node me: refused a connection from 10.0.0.1: untrusted key");
  for (int i = 0; i < 50; ++i) CHECK(log.note("10.0.0.2", "x", 10 + i).empty());
  const std::string next = log.note("10.0.0.3", "y", 1'000);
  CHECK(next.find("10.0.0.3") != std::string::npos);
  CHECK(next.find("and 50 more") != std::string::npos);
}

}  // namespace vsm::detail
