// Configuration of a vsm::Node. Every timeout, queue size and limit is a field with
// its unit in the name and a default (STYLE rule 11).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vsm/codec.hpp"
#include "vsm/role.hpp"

namespace vsm {

struct NodeConfig {
  // Unique name of this node in the fabric (also the HLC node id and the default
  // event source). 1..255 bytes, no '/'.
  std::string name;
  Role role = Role::kS1;

  // Data plane: endpoints the node's XPUB binds. "tcp://127.0.0.1:*" picks a free
  // port; Node::endpoints() reports the resolved addresses after start().
  std::vector<std::string> pub_bind = {"tcp://127.0.0.1:*"};
  // Advertised publish endpoints for peers (defaults to the resolved pub_bind).
  std::vector<std::string> pub_advertise;
  // Publisher endpoints the node's SUB connects to at start (static peers).
  std::vector<std::string> peers;

  // ZeroMQ high-water marks (messages) on the data sockets.
  int send_hwm_msgs = 100'000;
  int recv_hwm_msgs = 100'000;
  // How long close() keeps trying to flush queued events to connected peers.
  int linger_ms = 2'000;
  // publish() returns QueueFull when this many encoded events wait for the reactor.
  std::size_t publish_queue_capacity = 65'536;

  // Reject events that break the channel flow rules (DESIGN §1) with kBlocked.
  bool validate_flow = true;
  CodecLimits limits;
};

}  // namespace vsm
