// Parsing and classification of the addresses gossip carries: member gossip addresses
// ("host:port", "[v6]:port") and endpoints ("tcp://host:port", "udp://host:port", or any
// other transport). Pure functions, no name resolution: only IP literals (and "localhost")
// are understood as IP addresses. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vsm::gossip {

// An IPv4 or IPv6 address; IPv4 uses the first 4 bytes.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// "10.0.0.1", "::1", "[::1]" (brackets allowed) or "localhost" (127.0.0.1).
// nullopt for host names, wildcards written as "*" and anything malformed.
std::optional<IpAddress> parse_ip(std::string_view host);

// 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.0.0.0/104).
bool is_loopback(const IpAddress& ip) noexcept;
// "*", "0.0.0.0", "::", "[::]": a bind address, never a reachable one.
bool is_wildcard_host(std::string_view host) noexcept;
// is_loopback() of a parsed host literal; false for names.
bool is_loopback_host(std::string_view host);

// The host of "host:port" (or of a bare "host"); IPv6 keeps its brackets.
std::string_view address_host(std::string_view address) noexcept;

// An endpoint split as "<scheme>://<host>:<port>". `scheme` is empty for a bare
// "host:port". `networked` is false for transports without a network host (ipc://,
// inproc://); `has_host` is true when host and port parsed.
struct EndpointParts {
  std::string_view scheme;
  std::string_view host;
  std::string_view port;
  bool networked = false;
  bool has_host = false;
};
EndpointParts split_endpoint(std::string_view endpoint) noexcept;

// `endpoint` with its host replaced by `host` (scheme and port kept).
// REQUIRES: split_endpoint(endpoint).has_host
std::string with_host(std::string_view endpoint, std::string_view host);

}  // namespace vsm::gossip
