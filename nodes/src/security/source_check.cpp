#include "security/source_check.hpp"

#include <algorithm>

#include "vsm/codec.hpp"
#include "vsm/flow_rules.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

SourceCheck::SourceCheck(const NodeConfig& config, NodeSecurity& security, NodeCounters& counters)
    : config_(config),
      security_(security),
      counters_(counters),
      log_(config.name, "dropped an event from", config.security.refusal_log_interval_ms) {}

void SourceCheck::refresh() {
  if (enabled()) keys_ = security_.trusted().get(monotonic_ms());
}

bool SourceCheck::drop(std::atomic<std::uint64_t>& counter, std::string_view peer,
                       const std::string& why) {
  NodeCounters::add(counter);
  log_.warn(peer.empty() ? std::string_view("an unnamed connection") : peer, why, monotonic_ms());
  return false;
}

bool SourceCheck::admit_hello(std::string_view name, std::string_view peer) {
  if (!enabled() || name == peer) return true;
  return drop(
      counters_.security.forged_dropped, peer,
      "hello of '" + std::string(name) + "' on the connection of '" + std::string(peer) + "'");
}

bool SourceCheck::source_allowed(const Event& e, const PublicKeyEntry& publisher) {
  if (e.source == publisher.name) return true;
  const auto& s = publisher.sources;
  if (std::find(s.begin(), s.end(), e.source) != s.end()) return true;
  // A republished event: its source's node vouches for it with its signature.
  if (e.signature.empty() || effective_signer(e) != e.source) return false;
  return verify_event_signature(e, *keys_) == SignatureOutcome::kValid;
}

bool SourceCheck::admit(const Event& e, std::string_view peer) {
  if (!enabled()) return true;
  if (!keys_) refresh();
  auto& c = counters_.security;
  const PublicKeyEntry* publisher = peer.empty() ? nullptr : keys_->current(peer, unix_ms());
  if (publisher == nullptr) return drop(c.forged_dropped, peer, "no authenticated publisher");
  if (e.ts.node != peer) {
    return drop(c.forged_dropped, peer, "ts.node '" + e.ts.node + "' is not the publisher");
  }
  if (!source_allowed(e, *publisher)) {
    return drop(c.forged_dropped, peer, "source '" + e.source + "' is not the publisher's");
  }
  if (config_.validate_flow &&
      !flow_allowed(e.channel, publisher->role, role_from_name(e.target))) {
    return drop(c.flow_dropped, peer,
                std::string(channel_name(e.channel)) + " from role " +
                    std::string(role_name(publisher->role)) + " to '" + e.target +
                    "' breaks the flow rules");
  }
  if (e.signature.empty()) {
    if (!security_.signs(e.channel)) return true;
    return drop(c.unsigned_dropped, peer,
                "unsigned event on signed channel " + std::string(channel_name(e.channel)));
  }
  const auto outcome = verify_event_signature(e, *keys_);
  if (outcome != SignatureOutcome::kValid) {
    return drop(c.bad_signature_dropped, peer,
                outcome == SignatureOutcome::kUnknownSigner
                    ? "signature by unknown signer '" + std::string(effective_signer(e)) + "'"
                    : "invalid signature (signer '" + std::string(effective_signer(e)) + "')");
  }
  NodeCounters::add(c.signatures_verified);
  return true;
}

}  // namespace vsm::detail
