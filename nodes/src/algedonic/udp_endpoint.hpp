// "udp://IPv4:PORT" endpoints of the algedonic lane, and port probing: libzmq's UDP
// transport rejects port 0 and "*", so the node asks the kernel for a free port with a
// throwaway socket and binds the DISH to it (AlgedonicLane retries if that races); and
// libzmq binds asynchronously without reporting errors, so an explicit port is probed
// first to fail fast and clearly when another socket holds it. The patched libzmq
// (scripts/patches/) binds unicast UDP without SO_REUSEADDR/SO_REUSEPORT, so the probe
// and the DISH bind both fail while any other socket is bound to the port.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm::detail {

struct UdpEndpoint {
  std::string host;  // dotted IPv4 literal
  int port = 0;      // 0 = any free port ("*" or "0" in the text)

  std::string to_string() const { return "udp://" + host + ":" + std::to_string(port); }
};

// kInvalid with an explanation unless `text` is udp://<IPv4 literal>:<port|*|0>.
Result<UdpEndpoint> parse_udp_endpoint(std::string_view text);

// A UDP port on `host` that was free a moment ago (kernel-chosen), or kIo.
Result<int> probe_free_udp_port(const std::string& host);

// OK when `ep` (port > 0) could be bound a moment ago by a socket without address reuse;
// kIo "udp port in use: ..." naming the endpoint when another socket holds it (whatever
// options that socket set), kIo with the reason for any other bind failure.
Status check_udp_port_free(const UdpEndpoint& ep);

}  // namespace vsm::detail
