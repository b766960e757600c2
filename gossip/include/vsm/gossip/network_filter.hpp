// Allow-list of networks (CIDRs, IPv4 and IPv6) that an unkeyed gossip node accepts
// datagrams, stream connections and member records from (docs/GOSSIP.md "Allowed
// networks"). A disabled filter allows everything. Immutable after construction;
// const methods are thread-safe.
//
//   auto f = NetworkFilter::parse({"10.0.0.0/8", "fd00::/8"});
//   if (f && f->allows_address("10.1.2.3:7946")) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/address.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip {

struct Cidr {
  IpAddress network;
  std::uint8_t prefix_bits = 0;
  // "10.0.0.0/8", "fd00::/8", or an address alone (/32 or /128). Error kInvalid otherwise.
  static Result<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& ip) const noexcept;
  std::string to_string() const;
};

class NetworkFilter {
 public:
  // Prefix lengths of the networks derived from seed and bind addresses.
  static constexpr std::uint8_t kDerivedPrefixV4 = 24;
  static constexpr std::uint8_t kDerivedPrefixV6 = 64;

  // Disabled: allows everything.
  NetworkFilter() = default;
  // Enabled with these networks. Error kInvalid naming the first bad entry.
  static Result<NetworkFilter> parse(const std::vector<std::string>& cidrs);
  // The default of an unkeyed node: the /24 (IPv4) or /64 (IPv6) around each IP-literal
  // address given (its own gossip address and its seeds), and 127.0.0.0/8 + ::1 when one
  // of them is loopback. Disabled when none of them is an IP literal (the simulator's
  // symbolic addresses).
  static NetworkFilter derived(const std::vector<std::string>& addresses);

  bool enabled() const noexcept { return enabled_; }
  const std::vector<Cidr>& networks() const noexcept { return networks_; }

  // A host (IP literal or "localhost"); names and wildcards are outside every network.
  bool allows_host(std::string_view host) const;
  // "host:port".
  bool allows_address(std::string_view address) const;
  // The gossip address and every endpoint with a network host (tcp://, udp://, ...);
  // endpoints without one (ipc://, inproc://, empty) cannot reach another machine.
  bool allows_endpoints(const Endpoints& endpoints) const;

 private:
  bool enabled_ = false;
  std::vector<Cidr> networks_;
};

}  // namespace vsm::gossip
