// IPv4 socket addresses for the drivers: "a.b.c.d:port" (or "localhost:port") to
// sockaddr_in and back. Internal to vsm_gossip. Thread-safe.
#pragma once

#include <netinet/in.h>

#include <string>
#include <string_view>

namespace vsm::gossip::detail {

// false when `text` is not an IPv4 literal (or localhost) with a port in 1..65535.
bool parse_socket_address(std::string_view text, sockaddr_in& out);
// "a.b.c.d:port".
std::string format_socket_address(const sockaddr_in& address);
// "a.b.c.d".
std::string format_ip(const sockaddr_in& address);

}  // namespace vsm::gossip::detail
