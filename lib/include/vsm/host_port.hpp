// The one parser for network addresses in the project: "host:port" (gossip addresses,
// seeds, CLI flags) and "scheme://host:port" / "ipc://path" endpoints (ZeroMQ TCP and
// UDP endpoints). IPv6 hosts go in brackets ("[::1]:7946"); the brackets are not part of
// HostPort::host. Only the syntax is checked here; resolving names is the caller's.
// Thread-safety: pure functions.
//
//   auto hp = vsm::parse_host_port("127.0.0.1:7946");           // port 1..65535
//   auto any = vsm::parse_host_port("0.0.0.0:0", vsm::PortRule::kZeroOk);
//   auto ep = vsm::parse_endpoint("tcp://127.0.0.1:*", vsm::PortRule::kWildcardOk);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm {

enum class PortRule {
  kRequired,    // 1..65535
  kZeroOk,      // 0..65535 (0 = let the system choose)
  kWildcardOk,  // 0..65535 or "*" (both mean: let the system choose)
};

struct HostPort {
  std::string host;        // without IPv6 brackets; never empty
  std::uint16_t port = 0;  // 0 = system-chosen (kZeroOk / kWildcardOk only)

  // "host:port", with brackets around an IPv6 host.
  std::string to_string() const;
};

// kInvalid saying what is wrong and what is expected.
Result<HostPort> parse_host_port(std::string_view text, PortRule rule = PortRule::kRequired);

struct Endpoint {
  std::string scheme;   // "tcp", "udp", "ipc" or "inproc"
  HostPort address;     // tcp and udp
  std::string path;     // ipc and inproc: never empty
};

// tcp://HOST:PORT, udp://HOST:PORT (port per `rule`), ipc://PATH, inproc://NAME.
Result<Endpoint> parse_endpoint(std::string_view text, PortRule rule = PortRule::kRequired);

// True for 127.0.0.0/8, ::1 and "localhost": an address that names this host only.
bool is_loopback_host(std::string_view host) noexcept;

}  // namespace vsm
