#include "algedonic/udp_endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
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

namespace {

// Binds a throwaway UDP socket (no SO_REUSEADDR/SO_REUSEPORT) to host:port and closes it.
// Returns 0 and the bound port in `*bound`, or the errno of the failed call.
int probe_bind(const std::string& host, int port, int* bound) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  socklen_t len = sizeof addr;
  int err = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    err = errno;
  } else {
    *bound = ntohs(addr.sin_port);
  }
  ::close(fd);
  return err;
}

}  // namespace

Result<int> probe_free_udp_port(const std::string& host) {
  int port = 0;
  if (const int err = probe_bind(host, 0, &port); err != 0 || port == 0) {
    return Error::io("cannot find a free UDP port on " + host + ": " + std::strerror(err));
  }
  return port;
}

Status check_udp_port_free(const UdpEndpoint& ep) {
  int port = 0;
  const int err = probe_bind(ep.host, ep.port, &port);
  if (err == EADDRINUSE) {
    return Error::io("udp port in use: cannot bind DISH '" + ep.to_string() +
                     "': another socket (another node or process) is bound to it; choose "
                     "another dish_bind or stop that process");
  }
  if (err != 0) {
    return Error::io("cannot bind DISH '" + ep.to_string() + "': " + std::strerror(err));
  }
  return {};
}

}  // namespace vsm::detail
