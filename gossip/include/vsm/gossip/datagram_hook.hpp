// Fault-injection hook of the UdpDriver: asked about every received gossip datagram
// before the membership sees it, it may drop, delay, duplicate or reorder it
// (vsm::FaultGate applies the verdict). The node's built-in fault injection implements
// it (nodes/src/chaos/); gossip/ knows nothing of the node. Called on the driver thread
// only: keep it short and non-blocking.
#pragma once

#include <cstdint>
#include <string_view>

#include "vsm/fault_gate.hpp"

namespace vsm::gossip {

class DatagramHook {
 public:
  virtual ~DatagramHook() = default;
  // `from_address` is the sender's "ip:port".
  virtual FaultVerdict inbound(std::string_view from_address, std::uint64_t now_ms) = 0;
  // Whether to start a push-pull exchange (TCP) with the member whose gossip address is
  // `address`; false fails it at once (a push-pull failure), as a cut link would.
  virtual bool stream_allowed(std::string_view /*address*/, std::uint64_t /*now_ms*/) {
    return true;
  }
};

}  // namespace vsm::gossip
