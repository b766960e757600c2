// Channel flow rules (DESIGN §1) and a validator that counts routed/blocked events.
//   command:          S5 -> S4 -> S3 -> S1 (one step down the hierarchy)
//   coordination:     S2 <-> S1
//   audit:            S3* <-> S1
//   algedonic:        anyone -> S5 (bypasses the hierarchy)
//   resource_bargain: S1 <-> S3
// Custom rules (FlowRule, the [flow] TOML table) allow more, in addition to these.
// Thread-safety: FlowValidator is safe to call from any thread (atomic counters).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/result.hpp"
#include "vsm/role.hpp"

namespace vsm {

// True if `from` may send on `channel` to `to`; `to` empty means broadcast/unknown, in
// which case only the sender side of the rule is checked.
bool flow_allowed(Channel channel, Role from, std::optional<Role> to) noexcept;

// Role encoded in a subsystem or node name: "s3", "S3*", "s1.ops-3", "s3star-audit".
// The role is the part before the first '.', '-' or '_'. Empty when not a role.
std::optional<Role> role_from_name(std::string_view name) noexcept;

// A custom rule: `from` may send on `channel` to `to` (any target when empty).
struct FlowRule {
  Channel channel = Channel::kCommand;
  Role from = Role::kS1;
  std::optional<Role> to;
  friend bool operator==(const FlowRule&, const FlowRule&) = default;
};

// "<channel>:<from>-><to>" with `to` a role or "*" (any target): "command:S4->S1",
// "audit:S2->*". kInvalid naming what is wrong.
Result<FlowRule> parse_flow_rule(std::string_view text);
std::string flow_rule_text(const FlowRule& rule);
// True when a custom rule lets `from` send on `channel` to `to` (`to` empty: broadcast,
// only the sender side is checked, as flow_allowed()).
bool rule_allows(const FlowRule& rule, Channel channel, Role from, std::optional<Role> to) noexcept;

class FlowValidator {
 public:
  explicit FlowValidator(bool enabled = true, std::vector<FlowRule> custom = {})
      : enabled_(enabled), custom_(std::move(custom)) {}

  // kBlocked with "<channel>: <from> -> <to> is not allowed (...)" when the rule fails;
  // always OK when disabled. Counts the outcome per channel.
  Status check(Channel channel, Role from, std::optional<Role> to);

  bool enabled() const noexcept { return enabled_; }
  // The built-in rules or a custom one allow it (does not count).
  bool allows(Channel channel, Role from, std::optional<Role> to) const noexcept;
  const std::vector<FlowRule>& custom() const noexcept { return custom_; }
  std::uint64_t routed(Channel c) const noexcept { return routed_[channel_index(c)].load(); }
  std::uint64_t blocked(Channel c) const noexcept { return blocked_[channel_index(c)].load(); }

 private:
  bool enabled_;
  std::vector<FlowRule> custom_;
  std::array<std::atomic<std::uint64_t>, kChannelCount> routed_{};
  std::array<std::atomic<std::uint64_t>, kChannelCount> blocked_{};
};

}  // namespace vsm
