// The receiving side of resource bargains (docs/VARIETY.md "Adaptive rates"): an S3
// publishes a rate limit for an S1 source on channel resource_bargain, type
// "vsm.rate_limit", payload {"source": str, "rate_per_s": number (0 = unlimited)},
// targeted at the S1 node (its name, its role "S1", or broadcast). An S1 node applies
// it to its quota table (QuotaTable::set_source_rate: the source's new ceiling, which
// AIMD never exceeds). An S1 node with quotas subscribes to S3 sources on that channel by
// itself (topic_prefixes()). Refused (counted) when the sender's source is not an S3, the
// payload is malformed, or this node has no quotas. Only S1 nodes act on it.
// Thread-safety: on_event() on the reactor thread; counters read from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/node_config.hpp"
#include "vsm/quota_table.hpp"

namespace vsm::detail {

class BargainReceiver {
 public:
  BargainReceiver(const NodeConfig& config, QuotaTable* quotas) : config_(config), quotas_(quotas) {}
  // True when `e` is a rate limit (applied or refused); other events pass untouched.
  bool on_event(const Event& e);
  // The topic prefixes an S1 node with quotas subscribes to by itself, so that rate
  // limits reach it without a user subscription (S3 sources: "s3..." / "S3..."); empty
  // for other nodes.
  std::vector<std::string> topic_prefixes() const;
  void fill_stats(VarietyStats& s) const;

 private:
  bool addressed_to_me(const Event& e) const;
  void refuse(const Event& e, const char* why);

  const NodeConfig& config_;
  QuotaTable* quotas_;
  std::atomic<std::uint64_t> applied_{0}, refused_{0};
};

}  // namespace vsm::detail
