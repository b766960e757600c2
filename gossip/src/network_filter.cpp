#include "vsm/gossip/network_filter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace vsm::gossip {
namespace {

IpAddress masked(const IpAddress& ip, std::uint8_t bits) {
  IpAddress out = ip;
  const std::size_t total = ip.v6 ? 16 : 4;
  for (std::size_t i = 0; i < total; ++i) {
    const int keep = std::clamp(static_cast<int>(bits) - static_cast<int>(8 * i), 0, 8);
    out.bytes[i] &= static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return out;
}

void add_unique(std::vector<Cidr>& v, const Cidr& c) {
  for (const Cidr& e : v) {
    if (e.network == c.network && e.prefix_bits == c.prefix_bits) return;
  }
  v.push_back(c);
}

}  // namespace

Result<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip || text.substr(0, slash) == "localhost") {
    return Error::invalid("allowed network '" + std::string(text) +
                          "' is not an IPv4/IPv6 CIDR such as 10.0.0.0/8 or fd00::/8");
  }
  const unsigned max_bits = ip->v6 ? 128 : 32;
  unsigned bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view b = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
    if (ec != std::errc{} || end != b.data() + b.size() || b.empty() || bits > max_bits) {
      return Error::invalid("allowed network '" + std::string(text) +
                            "' has a bad prefix length (0.." + std::to_string(max_bits) + ")");
    }
  }
  Cidr c;
  c.prefix_bits = static_cast<std::uint8_t>(bits);
  c.network = masked(*ip, c.prefix_bits);
  return c;
}

bool Cidr::contains(const IpAddress& ip) const noexcept {
  return ip.v6 == network.v6 && masked(ip, prefix_bits) == network;
}

std::string Cidr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(network.v6 ? AF_INET6 : AF_INET, network.bytes.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix_bits);
}

Result<NetworkFilter> NetworkFilter::parse(const std::vector<std::string>& cidrs) {
  NetworkFilter f;
  f.enabled_ = true;
  for (const auto& text : cidrs) {
    auto c = Cidr::parse(text);
    if (!c) return std::move(c).error();
    add_unique(f.networks_, c.value());
  }
  return f;
}

NetworkFilter NetworkFilter::derived(const std::vector<std::string>& addresses) {
  NetworkFilter f;
  for (const auto& a : addresses) {
    auto ip = parse_ip(address_host(a));
    if (!ip) continue;
    f.enabled_ = true;
    if (is_loopback(*ip)) {
      add_unique(f.networks_, Cidr::parse("127.0.0.0/8").value());
      add_unique(f.networks_, Cidr::parse("::1/128").value());
      continue;
    }
    Cidr c;
    c.prefix_bits = ip->v6 ? kDerivedPrefixV6 : kDerivedPrefixV4;
    c.network = masked(*ip, c.prefix_bits);
    add_unique(f.networks_, c);
  }
  return f;
}

bool NetworkFilter::allows_host(std::string_view host) const {
  if (!enabled_) return true;
  auto ip = parse_ip(host);
  if (!ip) return false;
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const Cidr& c) { return c.contains(*ip); });
}

bool NetworkFilter::allows_address(std::string_view address) const {
  return !enabled_ || allows_host(address_host(address));
}

bool NetworkFilter::allows_endpoints(const Endpoints& e) const {
  if (!enabled_) return true;
  if (!allows_address(e.gossip)) return false;
  for (const std::string* ep : {&e.pub, &e.control, &e.dish}) {
    if (ep->empty()) continue;
    EndpointParts p = split_endpoint(*ep);
    // A network endpoint that does not parse is refused like one outside the networks.
    if (p.networked && (!p.has_host || !allows_host(p.host))) return false;
  }
  return true;
}

}  // namespace vsm::gossip
