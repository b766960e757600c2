// The advertised-address rule (docs/GOSSIP.md "Advertised addresses"): a loopback or
// wildcard endpoint host names a process only on the machine that wrote it, so a member
// record never carries one next to a gossip address that other machines use. Applied to
// this node's own record before it is gossiped and to every record received.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "vsm/gossip/member.hpp"

namespace vsm::gossip {

struct EndpointRewrite {
  std::uint32_t rewritten = 0;  // host replaced by the gossip host
  std::uint32_t omitted = 0;    // endpoint dropped: no usable host to put there
};

// For pub, control and dish (gossip is the reference and stays as it is):
//  * a wildcard host (0.0.0.0, ::, *) becomes the gossip host;
//  * a loopback host becomes the gossip host unless that is loopback too (a loopback
//    gossip address only reaches members on the same machine, where loopback is right);
//  * when the gossip host itself is a wildcard, such endpoints are omitted (emptied).
// Other hosts, explicit non-loopback advertise settings and ipc:// / inproc:// endpoints
// are kept. Idempotent.
EndpointRewrite normalize_endpoints(Endpoints& endpoints);

}  // namespace vsm::gossip
