// Built-in fault injection (nodes/src/chaos/): the engine's rules, partition, expiry and
// counters, and the decoding of the control op `chaos` from untrusted bytes.
#include <catch2/catch.hpp>

#include "chaos/chaos_engine.hpp"
#include "chaos/chaos_request.hpp"
#include "vsm/msgpack_writer.hpp"

using vsm::Channel;
using vsm::ChaosPlane;
using vsm::FaultAction;
using vsm::detail::ChaosEngine;
using vsm::detail::ChaosRule;

namespace {

vsm::ChaosConfig enabled() {
  vsm::ChaosConfig c;
  c.enabled = true;
  c.seed = 42;
  c.max_rules = 2;
  return c;
}

std::string request(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  vsm::MsgpackWriter w(out);
  w.map_header(static_cast<std::uint32_t>(fields.size() + 2));
  w.str("op"); w.str("chaos");
  w.str("rid"); w.uint(1);
  for (const auto& [k, v] : fields) {
    w.str(k);
    w.str(v);
  }
  return out;
}

}  // namespace

TEST_CASE("fault injection is refused unless enabled in the config", "[chaos]") {
  ChaosEngine off(vsm::ChaosConfig{});
  auto st = off.add(ChaosRule{}, 0);
  REQUIRE_FALSE(st);
  CHECK(st.error().message().find("[chaos] enabled = true") != std::string::npos);
  CHECK_FALSE(off.partition({"s1.a"}, 1000, 0));
  CHECK_FALSE(off.active());
  CHECK(off.decide(ChaosPlane::kData, "s1.a", Channel::kAudit, 0).action == FaultAction::kPass);
}

TEST_CASE("rules match by plane, peer and channel, count down and expire", "[chaos]") {
  ChaosEngine e(enabled());
  ChaosRule drop;
  drop.action = FaultAction::kDrop;
  drop.plane = ChaosPlane::kData;
  drop.peer = "s1.a";
  drop.channel = Channel::kAudit;
  drop.count = 2;
  REQUIRE(e.add(drop, 0));
  CHECK(e.active());
  CHECK(e.decide(ChaosPlane::kGossip, "s1.a", std::nullopt, 1).action == FaultAction::kPass);
  CHECK(e.decide(ChaosPlane::kData, "s1.b", Channel::kAudit, 1).action == FaultAction::kPass);
  CHECK(e.decide(ChaosPlane::kData, "s1.a", Channel::kCommand, 1).action == FaultAction::kPass);
  CHECK(e.decide(ChaosPlane::kData, "s1.a", Channel::kAudit, 1).action == FaultAction::kDrop);
  CHECK(e.decide(ChaosPlane::kData, "s1.a", Channel::kAudit, 1).action == FaultAction::kDrop);
  CHECK(e.decide(ChaosPlane::kData, "s1.a", Channel::kAudit, 1).action == FaultAction::kPass);
  CHECK_FALSE(e.active());  // its count is used up

  ChaosRule delay;
  delay.action = FaultAction::kDelay;
  delay.delay_ms = 50;
  delay.for_ms = 100;
  REQUIRE(e.add(delay, 1000));
  REQUIRE(e.add(delay, 1000));
  CHECK_FALSE(e.add(delay, 1000));  // max_rules
  auto v = e.decide(ChaosPlane::kAlgedonic, "", Channel::kAlgedonic, 1050);
  CHECK(v.action == FaultAction::kDelay);
  CHECK(v.delay_ms == 50);
  CHECK(e.describe(1050).size() == 2);
  CHECK(e.decide(ChaosPlane::kData, "x", std::nullopt, 1100).action == FaultAction::kPass);
  CHECK(e.describe(1100).empty());  // expired by themselves
  vsm::VarietyStats s;
  e.fill_stats(s);
  CHECK(s.chaos[0].dropped == 2);
  CHECK(s.chaos[2].delayed == 1);
  CHECK(s.chaos_rules == 0);
}

TEST_CASE("a named partition ignores its members on every plane until it expires", "[chaos]") {
  ChaosEngine e(enabled());
  REQUIRE(e.partition({"s1.a", "s3.b"}, 500, 0));
  for (auto plane : {ChaosPlane::kData, ChaosPlane::kGossip, ChaosPlane::kAlgedonic}) {
    CHECK(e.decide(plane, "s3.b", std::nullopt, 10).action == FaultAction::kDrop);
  }
  CHECK(e.decide(ChaosPlane::kData, "s5.c", std::nullopt, 10).action == FaultAction::kPass);
  CHECK(e.decide(ChaosPlane::kData, "s1.a", std::nullopt, 500).action == FaultAction::kPass);
  CHECK_FALSE(e.active());
  REQUIRE(e.partition({"s1.a"}, 500, 0));
  e.clear();
  CHECK_FALSE(e.active());
}

TEST_CASE("probabilities are applied with the configured seed", "[chaos]") {
  ChaosEngine e(enabled());
  ChaosRule dup;
  dup.action = FaultAction::kDuplicate;
  dup.probability = 0.5;
  REQUIRE(e.add(dup, 0));
  int hit = 0;
  for (int i = 0; i < 1000; ++i) {
    hit += e.decide(ChaosPlane::kData, "p", std::nullopt, 1).action == FaultAction::kDuplicate;
  }
  CHECK(hit > 400);
  CHECK(hit < 600);
  dup.probability = 0;
  CHECK_FALSE(e.add(dup, 0));
  dup.probability = 1;
  dup.for_ms = 0;
  CHECK_FALSE(e.add(dup, 0));
}

TEST_CASE("the chaos op decodes commands and refuses malformed requests", "[chaos]") {
  using vsm::detail::ChaosCommand;
  using vsm::detail::parse_chaos_request;
  auto add = parse_chaos_request(request({{"action", "delay"}, {"delay_ms", "200"},
                                          {"plane", "data"}, {"peer", "s1.a"},
                                          {"channel", "audit"}, {"for_ms", "30000"}}));
  REQUIRE(add.ok());
  CHECK(add->kind == ChaosCommand::Kind::kAdd);
  CHECK(add->rule.action == FaultAction::kDelay);
  CHECK(add->rule.delay_ms == 200);
  CHECK(add->rule.plane == ChaosPlane::kData);
  CHECK(add->rule.channel == Channel::kAudit);
  auto part = parse_chaos_request(request({{"do", "partition"}, {"members", "s1.a,s3.b"}}));
  REQUIRE(part.ok());
  CHECK(part->members == std::vector<std::string>{"s1.a", "s3.b"});
  CHECK(parse_chaos_request(request({{"do", "clear"}}))->kind == ChaosCommand::Kind::kClear);

  for (const auto& bad : {request({{"action", "explode"}}), request({{"do", "add"}}),
                          request({{"action", "drop"}, {"prob", "x"}}),
                          request({{"action", "drop"}, {"plane", "mars"}}),
                          request({{"action", "drop"}, {"channel", "nope"}}),
                          request({{"do", "partition"}, {"members", "a,,b"}}),
                          request({{"do", "partition"}}), std::string("\x81\xa1", 2),
                          std::string("\xc1")}) {
    auto r = parse_chaos_request(bad);
    CHECK_FALSE(r.ok());
  }
}
