// Receivers' checks of a secured node (docs/SECURITY.md §6.3), run by the receive path
// for every event and hello from the XSUB, given the authenticated publisher (the node
// whose key the connection pinned, peer_names.hpp):
//   - ts.node must be that publisher (a hello's name too: its control endpoint is where
//     gap repair goes);
//   - the source must be the publisher, one of the `sources` of its trusted key, or be
//     vouched for by a valid signature of that source's node (a republished event);
//   - the flow rules must allow the publisher's role (from its trusted key) to send on
//     the channel to the target;
//   - events on signed channels must carry a valid signature; a signature present on
//     any channel must be valid.
// Failures are dropped, counted (SecurityStats) and logged (rate-limited).
// Thread-safety: reactor thread only.
#pragma once

#include <memory>
#include <string_view>

#include "core/node_counters.hpp"
#include "security/node_security.hpp"
#include "vsm/event.hpp"

namespace vsm::detail {

class SourceCheck {
 public:
  SourceCheck(const NodeConfig& config, NodeSecurity& security, NodeCounters& counters);

  bool enabled() const noexcept { return security_.enabled(); }
  // Takes the current trusted keys (once per batch of messages, not per event).
  void refresh();
  bool admit_hello(std::string_view name, std::string_view peer);
  bool admit(const Event& event, std::string_view peer);

 private:
  bool drop(std::atomic<std::uint64_t>& counter, std::string_view peer, const std::string& why);
  bool source_allowed(const Event& e, const PublicKeyEntry& publisher);

  const NodeConfig& config_;
  NodeSecurity& security_;
  NodeCounters& counters_;
  RefusalLog log_;
  std::shared_ptr<const TrustedKeys> keys_;
};

}  // namespace vsm::detail
