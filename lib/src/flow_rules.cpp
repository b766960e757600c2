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

Status FlowValidator::check(Channel channel, Role from, std::optional<Role> to) {
  if (!enabled_ || flow_allowed(channel, from, to)) {
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
         "algedonic anyone->S5, resource_bargain S1<->S3); disable validation to override";
  return Error::blocked(std::move(msg));
}

}  // namespace vsm
