// "udp://IPv4:PORT" endpoints of the algedonic lane, and free-port probing: libzmq's UDP
// transport rejects port 0 and "*", so the node asks the kernel for a free port with a
// throwaway socket and binds the DISH to it (DishBinder retries if that races).
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

}  // namespace vsm::detail
