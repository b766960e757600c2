#include "vsm/gossip/advertise.hpp"

#include "vsm/gossip/address.hpp"

namespace vsm::gossip {

EndpointRewrite normalize_endpoints(Endpoints& e) {
  EndpointRewrite r;
  const std::string_view gossip_host = address_host(e.gossip);
  if (gossip_host.empty()) return r;
  const bool gossip_wildcard = is_wildcard_host(gossip_host);
  const bool gossip_loopback = is_loopback_host(gossip_host);
  for (std::string* ep : {&e.pub, &e.control, &e.dish}) {
    const EndpointParts p = split_endpoint(*ep);
    if (!p.has_host) continue;
    const bool wildcard = is_wildcard_host(p.host);
    if (!wildcard && (!is_loopback_host(p.host) || gossip_loopback)) continue;
    if (gossip_wildcard) {
      ep->clear();
      ++r.omitted;
    } else {
      *ep = with_host(*ep, gossip_host);
      ++r.rewritten;
    }
  }
  return r;
}

}  // namespace vsm::gossip
