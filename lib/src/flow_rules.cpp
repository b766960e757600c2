#include "vsm/flow_rules.hpp"

#include <string>

namespace vsm {
namespace {

bool pair_either_way(Role from, std::optional<Role> to, Role a, Role b) {
  if (from != a && from != b) return false;
  if (!to) return true;
  return (from == a && *to == b) || (from == b && *to == a);
}

// Next role down the command chain S5 -> S4 -> S3 -> S1.
std::optional<Role> command_next(Role from) {
  switch (from) {
    case Role::kS5: return Role::kS4;
    case Role::kS4: return Role::kS3;
    case Role::kS3: return Role::kS1;
    default: return std::nullopt;
  }
}

}  // namespace

bool flow_allowed(Channel channel, Role from, std::optional<Role> to) noexcept {
  switch (channel) {
    case Channel::kCommand: {
      auto next = command_next(from);
      return next && (!to || *to == *next);
    }
    case Channel::kCoordination: return pair_either_way(from, to, Role::kS2, Role::kS1);
    case Channel::kAudit: return pair_either_way(from, to, Role::kS3Star, Role::kS1);
    case Channel::kAlgedonic: return !to || *to == Role::kS5;  // anyone may raise
    case Channel::kResourceBargain: return pair_either_way(from, to, Role::kS1, Role::kS3);
  }
  return false;
}

std::optional<Role> role_from_name(std::string_view name) noexcept {
  auto end = name.find_first_of(".-_");
  std::string_view head = name.substr(0, end);
  if (auto r = parse_role(head)) return r;
  // "s3star-audit" style is covered above; also accept "s3*" followed by separators.
  return std::nullopt;
}

Result<FlowRule> parse_flow_rule(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Error::invalid("flow rule '" + std::string(text) + "': " + std::string(why) +
                          " (expected CHANNEL:FROM->TO, e.g. command:S4->S1 or audit:S2->*)");
  };
  const auto colon = text.find(':');
  const auto arrow = text.find("->");
  if (colon == std::string_view::npos || arrow == std::string_view::npos || arrow < colon) {
    return bad("missing ':' or '->'");
  }
  FlowRule rule;
  auto channel = parse_channel(text.substr(0, colon));
  if (!channel) return bad("unknown channel");
  auto from = parse_role(text.substr(colon + 1, arrow - colon - 1));
  if (!from) return bad("unknown sender role");
  const auto to_text = text.substr(arrow + 2);
  if (to_text != "*") {
    auto to = parse_role(to_text);
    if (!to) return bad("unknown target role (a role or *)");
    rule.to = *to;
  }
  rule.channel = *channel;
  rule.from = *from;
  return rule;
}

std::string flow_rule_text(const FlowRule& rule) {
  std::string s(channel_name(rule.channel));
  s += ':';
  s += role_name(rule.from);
  s += "->";
  s += rule.to ? std::string(role_name(*rule.to)) : std::string("*");
  return s;
}

bool rule_allows(const FlowRule& rule, Channel channel, Role from, std::optional<Role> to) noexcept {
  return rule.channel == channel && rule.from == from && (!to || !rule.to || *rule.to == *to);
}

bool FlowValidator::allows(Channel channel, Role from, std::optional<Role> to) const noexcept {
  if (flow_allowed(channel, from, to)) return true;
  for (const FlowRule& r : custom_) {
    if (rule_allows(r, channel, from, to)) return true;
  }
  return false;
}

Status FlowValidator::check(Channel channel, Role from, std::optional<Role> to) {
  if (!enabled_ || allows(channel, from, to)) {
    routed_[channel_index(channel)].fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  blocked_[channel_index(channel)].fetch_add(1, std::memory_order_relaxed);
  std::string msg(channel_name(channel));
  msg += ": ";
  msg += role_name(from);
  msg += " -> ";
  msg += to ? std::string(role_name(*to)) : std::string("broadcast");
  msg += " is not allowed (command S5->S4->S3->S1, coordination S2<->S1, audit S3*<->S1, "
         "algedonic anyone->S5, resource_bargain S1<->S3";
  for (const FlowRule& r : custom_) msg += ", " + flow_rule_text(r);
  msg += "); add a [flow] rule or disable validation to override";
  return Error::blocked(std::move(msg));
}

}  // namespace vsm
