#include "algedonic/udp_endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vsm/host_port.hpp"

namespace vsm::detail {

Result<UdpEndpoint> parse_udp_endpoint(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error::invalid("algedonic endpoint '" + std::string(text) + "' " + why +
                          "; expected udp://<IPv4>:<port>, port * or 0 for a free one");
  };
  auto ep = parse_endpoint(text, PortRule::kWildcardOk);
  if (!ep) return bad("is malformed (" + ep.error().message() + ")");
  if (ep->scheme != "udp") return bad("does not start with udp://");
  in_addr addr{};
  if (::inet_pton(AF_INET, ep->address.host.c_str(), &addr) != 1) {
    return bad("has no IPv4 literal host");
  }
  return UdpEndpoint{ep->address.host, ep->address.port};
}

Result<int> probe_free_udp_port(const std::string& host) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::io(std::string("socket(): ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  const int err = errno;
  ::close(fd);
  if (port == 0) {
    return Error::io("cannot find a free UDP port on " + host + ": " + std::strerror(err));
  }
  return port;
}

}  // namespace vsm::detail
