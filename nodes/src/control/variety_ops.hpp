// The control ops of variety engineering (docs/PROTOCOL.md §2.2):
//   chaos              fault injection rules (chaos/chaos_request.hpp): add, partition,
//                      clear, list; reply "rules" [str] (in force after the change)
//   partition_resolve  an operator resolves a `manual` partition; reply "resolved"
//                      (the side was waiting for it) and "partition" (state now)
// Thread-safety: the handlers run on the control thread and only call thread-safe
// components.
#pragma once

#include "chaos/chaos_engine.hpp"
#include "control/control_server.hpp"
#include "membership/membership_wiring.hpp"

namespace vsm::detail {

void add_variety_ops(ControlHandlers& h, ChaosEngine& chaos, MembershipWiring& membership);

// The members reply's variety fields: "strategy" and "one_way" [{from, to}].
void encode_partition_extras(const gossip::PartitionView& view, std::string& out,
                             std::uint32_t& fields);

}  // namespace vsm::detail
