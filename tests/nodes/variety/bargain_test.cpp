// Resource bargains (nodes/src/variety/bargain.hpp): a rate limit from an S3 reaches an S1
// node's quota table; anything else is refused and counted.
#include <catch2/catch.hpp>

#include <map>

#include "payload_helpers.hpp"
#include "variety/bargain.hpp"
#include "vsm/value_pack.hpp"

using vsm::Channel;
using vsm::Event;
using vsm::Role;
using vsm::detail::BargainReceiver;

namespace {

Event limit(std::string from, vsm::Value payload, std::string target = "s1.pump") {
  Event e;
  e.channel = Channel::kResourceBargain;
  e.type = std::string(vsm::kRateLimitType);
  e.source = std::move(from);
  e.target = std::move(target);
  e.payload = std::move(payload);
  return e;
}

vsm::Value body(const std::string& source, double rate) {
  return vsm::test::map_payload(
      {{"source", vsm::Value::string(source)}, {"rate_per_s", vsm::pack_value(rate)}});
}

}  // namespace

TEST_CASE("an S3's rate limit is applied by the S1 it addresses", "[variety][bargain]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.pump";
  vsm::QuotaTable quotas;
  BargainReceiver b(cfg, &quotas);
  CHECK(b.on_event(limit("s3.ops", body("s1.pump", 25))));
  CHECK(quotas.source_rate_per_s("s1.pump") == 25);
  CHECK(b.on_event(limit("s3.ops", body("s1.pump", 40), "S1")));  // by role
  CHECK(quotas.source_rate_per_s("s1.pump") == 40);
  CHECK(b.on_event(limit("s3.ops", body("s1.pump", 1), "s1.other")));  // not for me
  CHECK(quotas.source_rate_per_s("s1.pump") == 40);

  CHECK(b.on_event(limit("s4.plan", body("s1.pump", 1))));   // not an S3
  CHECK(b.on_event(limit("s3.ops", vsm::pack_value(3))));    // malformed
  CHECK(b.on_event(limit("s3.ops", body("s1.pump", -1))));   // negative
  CHECK(quotas.source_rate_per_s("s1.pump") == 40);
  Event other = limit("s3.ops", body("s1.pump", 1));
  other.type = "offer";
  CHECK_FALSE(b.on_event(other));  // not a rate limit: passes untouched
  vsm::VarietyStats s;
  b.fill_stats(s);
  CHECK(s.bargains_applied == 2);
  CHECK(s.bargains_refused == 3);
}

TEST_CASE("a node without quotas refuses rate limits", "[variety][bargain]") {
  vsm::NodeConfig cfg;
  cfg.name = "s1.pump";
  BargainReceiver b(cfg, nullptr);
  CHECK(b.on_event(limit("s3.ops", body("s1.pump", 25))));
  vsm::VarietyStats s;
  b.fill_stats(s);
  CHECK(s.bargains_refused == 1);
}
