#include "vsm/gossip/address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace vsm::gossip {
namespace {

// Transports whose endpoint names a network host (ZeroMQ names; bare "host:port" too).
bool networked_scheme(std::string_view scheme) noexcept {
  return scheme.empty() || scheme == "tcp" || scheme == "udp" || scheme == "pgm" ||
         scheme == "epgm" || scheme == "ws" || scheme == "wss" || scheme == "tipc" ||
         scheme == "vmci";
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view host) {
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.size() > 64) return std::nullopt;
  char text[65];
  std::memcpy(text, host.data(), host.size());
  text[host.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET, text, ip.bytes.data()) == 1) return ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, text, ip.bytes.data()) == 1) return ip;
  return std::nullopt;
}

bool is_loopback(const IpAddress& ip) noexcept {
  if (!ip.v6) return ip.bytes[0] == 127;
  static constexpr std::array<std::uint8_t, 16> kLoop6{0, 0, 0, 0, 0, 0, 0, 0,
                                                       0, 0, 0, 0, 0, 0, 0, 1};
  if (ip.bytes == kLoop6) return true;
  // ::ffff:127.x.y.z
  for (int i = 0; i < 10; ++i) {
    if (ip.bytes[i] != 0) return false;
  }
  return ip.bytes[10] == 0xff && ip.bytes[11] == 0xff && ip.bytes[12] == 127;
}

bool is_wildcard_host(std::string_view host) noexcept {
  return host == "*" || host == "0.0.0.0" || host == "::" || host == "[::]";
}

bool is_loopback_host(std::string_view host) {
  auto ip = parse_ip(host);
  return ip && is_loopback(*ip);
}

std::string_view address_host(std::string_view address) noexcept {
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    return close == std::string_view::npos ? address : address.substr(0, close + 1);
  }
  auto colon = address.rfind(':');
  // More than one colon without brackets: an IPv6 literal without a port.
  if (colon == std::string_view::npos || address.find(':') != colon) return address;
  return address.substr(0, colon);
}

EndpointParts split_endpoint(std::string_view endpoint) noexcept {
  EndpointParts p;
  std::string_view rest = endpoint;
  if (auto sep = endpoint.find("://"); sep != std::string_view::npos) {
    p.scheme = endpoint.substr(0, sep);
    rest = endpoint.substr(sep + 3);
  }
  p.networked = networked_scheme(p.scheme);
  if (!p.networked || rest.empty()) return p;
  p.host = address_host(rest);
  if (p.host.size() == rest.size() || rest[p.host.size()] != ':') return p;
  p.port = rest.substr(p.host.size() + 1);
  p.has_host = !p.host.empty() && !p.port.empty();
  return p;
}

std::string with_host(std::string_view endpoint, std::string_view host) {
  EndpointParts p = split_endpoint(endpoint);
  std::string out;
  if (!p.scheme.empty()) out.append(p.scheme).append("://");
  out.append(host).append(":").append(p.port);
  return out;
}

}  // namespace vsm::gossip
