#include "control/variety_ops.hpp"

#include "chaos/chaos_request.hpp"
#include "control/control_format.hpp"
#include "vsm/monotonic_clock.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace {

using Reply = Result<std::pair<std::string, std::uint32_t>>;

Reply chaos_op(ChaosEngine& chaos, std::string_view request) {
  auto cmd = parse_chaos_request(request);
  if (!cmd) return cmd.error();
  const std::uint64_t now = monotonic_ms();
  Status st;
  switch (cmd->kind) {
    case ChaosCommand::Kind::kAdd: st = chaos.add(cmd->rule, now); break;
    case ChaosCommand::Kind::kPartition:
      st = chaos.partition(std::move(cmd->members), cmd->rule.for_ms, now);
      break;
    case ChaosCommand::Kind::kClear: chaos.clear(); break;
    case ChaosCommand::Kind::kList: break;
  }
  if (!st) return st.error();
  std::string out;
  MsgpackWriter w(out);
  const auto rules = chaos.describe(now);
  w.str("enabled"); w.boolean(chaos.enabled());
  w.str("rules");
  w.array_header(static_cast<std::uint32_t>(rules.size()));
  for (const auto& r : rules) w.str(r);
  return std::pair{std::move(out), 2u};
}

Reply resolve_op(MembershipWiring& membership) {
  MembershipBridge* bridge = membership.bridge();
  if (bridge == nullptr) return Error::invalid("partition_resolve: this node runs no gossip");
  const bool resolved = bridge->resolve_partition();
  std::string out;
  MsgpackWriter w(out);
  w.str("resolved"); w.boolean(resolved);
  w.str("partition"); w.str(gossip::partition_state_name(bridge->partition_view().state));
  return std::pair{std::move(out), 2u};
}

}  // namespace

void add_variety_ops(ControlHandlers& h, ChaosEngine& chaos, MembershipWiring& membership) {
  namespace cf = control_format;
  h.extra_ops[std::string(cf::kOpChaos)] = [&chaos](std::string_view req) {
    return chaos_op(chaos, req);
  };
  h.extra_ops[std::string(cf::kOpPartitionResolve)] = [&membership](std::string_view) {
    return resolve_op(membership);
  };
}

void encode_partition_extras(const gossip::PartitionView& view, std::string& out,
                             std::uint32_t& fields) {
  MsgpackWriter w(out);
  w.str("strategy"); w.str(gossip::partition_strategy_name(view.strategy));
  w.str("one_way");
  w.array_header(static_cast<std::uint32_t>(view.one_way.size()));
  for (const auto& link : view.one_way) {
    w.map_header(2);
    w.str("from"); w.str(link.from);
    w.str("to"); w.str(link.to);
  }
  fields += 2;
}

}  // namespace vsm::detail
