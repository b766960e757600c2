// Channel flow rules: the full channel x from x to table, the validator and role names.
#include <catch2/catch.hpp>

#include <set>
#include <tuple>
#include <vector>

#include "vsm/flow_rules.hpp"

namespace vsm {
namespace {

constexpr Role kAllRoles[] = {Role::kS1, Role::kS2, Role::kS3, Role::kS3Star, Role::kS4, Role::kS5};

using Rule = std::tuple<Channel, Role, std::optional<Role>>;

// DESIGN §1, written out pair by pair. nullopt target = broadcast: sender side only.
std::set<Rule> allowed_table() {
  using C = Channel;
  using R = Role;
  std::set<Rule> t = {
      {C::kCommand, R::kS5, R::kS4},        {C::kCommand, R::kS4, R::kS3},
      {C::kCommand, R::kS3, R::kS1},        {C::kCommand, R::kS5, std::nullopt},
      {C::kCommand, R::kS4, std::nullopt},  {C::kCommand, R::kS3, std::nullopt},
      {C::kCoordination, R::kS2, R::kS1},   {C::kCoordination, R::kS1, R::kS2},
      {C::kCoordination, R::kS2, std::nullopt}, {C::kCoordination, R::kS1, std::nullopt},
      {C::kAudit, R::kS3Star, R::kS1},      {C::kAudit, R::kS1, R::kS3Star},
      {C::kAudit, R::kS3Star, std::nullopt}, {C::kAudit, R::kS1, std::nullopt},
      {C::kResourceBargain, R::kS1, R::kS3}, {C::kResourceBargain, R::kS3, R::kS1},
      {C::kResourceBargain, R::kS1, std::nullopt}, {C::kResourceBargain, R::kS3, std::nullopt},
  };
  // Algedonic: anyone may raise (S5 included, e.g. its own watchdogs), to S5 (or broadcast).
  for (Role from : kAllRoles) {
    t.insert({C::kAlgedonic, from, R::kS5});
    t.insert({C::kAlgedonic, from, std::nullopt});
  }
  return t;
}

}  // namespace

TEST_CASE("flow rules: every channel x from x to pair matches the table", "[flow_rules]") {
  const auto allowed = allowed_table();
  int checked = 0;
  for (Channel c : kAllChannels) {
    for (Role from : kAllRoles) {
      std::vector<std::optional<Role>> targets(std::begin(kAllRoles), std::end(kAllRoles));
      targets.push_back(std::nullopt);
      for (auto to : targets) {
        const bool expected = allowed.count({c, from, to}) == 1;
        INFO(channel_name(c) << ": " << role_name(from) << " -> "
                             << (to ? role_name(*to) : std::string_view("broadcast")));
        CHECK(flow_allowed(c, from, to) == expected);
        ++checked;
      }
    }
  }
  CHECK(checked == 5 * 6 * 7);
}

TEST_CASE("flow rules: validator counts routed and blocked per channel", "[flow_rules]") {
  FlowValidator v;
  CHECK(v.enabled());
  CHECK(v.check(Channel::kCommand, Role::kS5, Role::kS4).ok());
  CHECK(v.check(Channel::kCommand, Role::kS3, Role::kS1).ok());
  auto st = v.check(Channel::kCommand, Role::kS1, Role::kS5);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kBlocked);
  CHECK(st.error().message().find("command: S1 -> S5 is not allowed") == 0);
  auto st2 = v.check(Channel::kAudit, Role::kS2, std::nullopt);
  REQUIRE_FALSE(st2.ok());
  CHECK(st2.error().message().find("audit: S2 -> broadcast") == 0);
  CHECK(v.routed(Channel::kCommand) == 2);
  CHECK(v.blocked(Channel::kCommand) == 1);
  CHECK(v.blocked(Channel::kAudit) == 1);
  CHECK(v.routed(Channel::kAlgedonic) == 0);
}

TEST_CASE("flow rules: a disabled validator routes everything", "[flow_rules]") {
  FlowValidator v(false);
  CHECK_FALSE(v.enabled());
  CHECK(v.check(Channel::kCommand, Role::kS1, Role::kS5).ok());
  CHECK(v.routed(Channel::kCommand) == 1);
  CHECK(v.blocked(Channel::kCommand) == 0);
}

TEST_CASE("flow rules: role names and role_from_name", "[flow_rules]") {
  for (Role r : kAllRoles) CHECK(parse_role(role_name(r)) == r);
  CHECK(role_name(Role::kS3Star) == "S3*");
  CHECK(parse_role("s3star") == Role::kS3Star);
  CHECK(parse_role("S3STAR") == Role::kS3Star);
  CHECK_FALSE(parse_role("s6").has_value());
  CHECK_FALSE(parse_role("").has_value());

  const std::vector<std::pair<std::string_view, std::optional<Role>>> cases = {
      {"s1", Role::kS1},          {"S1", Role::kS1},           {"s1.ops-3", Role::kS1},
      {"s2-coord", Role::kS2},    {"s3_control", Role::kS3},   {"S3*", Role::kS3Star},
      {"s3*.audit", Role::kS3Star}, {"s3star-audit", Role::kS3Star}, {"s4.intel", Role::kS4},
      {"S5", Role::kS5},          {"s10", std::nullopt},       {"ops-s1", std::nullopt},
      {"", std::nullopt},         {".s1", std::nullopt},       {"s", std::nullopt},
      {"s3x", std::nullopt},      {"broadcast", std::nullopt},
  };
  for (const auto& [name, role] : cases) {
    INFO(name);
    CHECK(role_from_name(name) == role);
  }
}

}  // namespace vsm

namespace vsm {

TEST_CASE("custom flow rules parse, print and extend the built-in rules", "[flow_rules]") {
  auto r = parse_flow_rule("command:S4->S1");
  REQUIRE(r.ok());
  CHECK(r->channel == Channel::kCommand);
  CHECK(r->from == Role::kS4);
  CHECK(r->to == Role::kS1);
  CHECK(flow_rule_text(*r) == "command:S4->S1");
  auto any = parse_flow_rule("audit:S2->*");
  REQUIRE(any.ok());
  CHECK_FALSE(any->to.has_value());
  CHECK(flow_rule_text(*any) == "audit:S2->*");
  for (const char* bad : {"command", "command:S4", "chat:S1->S2", "command:S9->S1",
                          "command:S4->S7", "S4->S1:command", ""}) {
    auto e = parse_flow_rule(bad);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code() == ErrorCode::kInvalid);
  }

  FlowValidator v(true, {*r, *any});
  CHECK(v.check(Channel::kCommand, Role::kS4, Role::kS1).ok());   // custom
  CHECK(v.check(Channel::kCommand, Role::kS4, Role::kS3).ok());   // built-in
  CHECK(v.check(Channel::kAudit, Role::kS2, Role::kS5).ok());     // custom, any target
  CHECK(v.check(Channel::kAudit, Role::kS2, std::nullopt).ok());  // broadcast
  auto blocked = v.check(Channel::kCommand, Role::kS4, Role::kS5);
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().message().find("command:S4->S1") != std::string::npos);
  CHECK(v.routed(Channel::kCommand) == 2);
  CHECK(v.blocked(Channel::kCommand) == 1);
  CHECK_FALSE(FlowValidator(true).allows(Channel::kCommand, Role::kS4, Role::kS1));
}

}  // namespace vsm
