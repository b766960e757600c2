// Built-in fault injection (docs/VARIETY.md "Fault injection"): the rules an operator
// sets through the control op `chaos` (vsmcat chaos) and the verdict for each message
// the node receives on a plane (data, gossip, algedonic), by peer and channel. A named
// partition makes the node ignore every message from a set of members. Rules expire by
// themselves; refused unless NodeConfig::chaos.enabled. The receive paths apply verdicts
// with a vsm::FaultGate each. Thread-safety: every method from any thread; the mutex is
// a leaf; active() is one relaxed atomic load (the receive paths' cost when off).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/fault_gate.hpp"
#include "vsm/result.hpp"
#include "vsm/variety.hpp"

namespace vsm::detail {

struct ChaosRule {
  FaultAction action = FaultAction::kDrop;   // drop, delay, duplicate or reorder
  std::optional<ChaosPlane> plane;           // every plane when empty
  std::string peer;                          // sending node's name; empty = any
  std::optional<Channel> channel;            // data plane only; empty = any
  double probability = 1.0;                  // 0 < p <= 1
  std::uint32_t delay_ms = 0;                // kDelay
  std::uint64_t count = 0;                   // messages to affect; 0 = until it expires
  std::uint64_t for_ms = 30'000;             // lifetime
};
std::string chaos_rule_text(const ChaosRule& rule);

class ChaosEngine {
 public:
  explicit ChaosEngine(const ChaosConfig& config);

  bool enabled() const noexcept { return config_.enabled; }
  // Any rule or partition in force (they may have expired since: decide() checks).
  bool active() const noexcept { return active_.load(std::memory_order_relaxed); }

  // Errors: kInvalid when fault injection is not enabled in the config, for a bad rule,
  // or beyond max_rules.
  Status add(ChaosRule rule, std::uint64_t now_ms);
  // Ignore every message from `members` for `for_ms` (replaces an earlier partition).
  Status partition(std::vector<std::string> members, std::uint64_t for_ms, std::uint64_t now_ms);
  void clear();
  // True while `peer` is a member of the named partition (no verdict counted).
  bool ignores(std::string_view peer, std::uint64_t now_ms);
  // The verdict for one message from `peer` (node name, may be empty) on `plane`.
  FaultVerdict decide(ChaosPlane plane, std::string_view peer, std::optional<Channel> channel,
                      std::uint64_t now_ms);
  // Rules and partition in force, as text, with their remaining time.
  std::vector<std::string> describe(std::uint64_t now_ms);
  void fill_stats(VarietyStats& s) const;

 private:
  struct Active {
    ChaosRule rule;
    std::uint64_t expires_ms;
    std::uint64_t left;  // count left (0 = unlimited)
  };
  void expire(std::uint64_t now_ms);  // REQUIRES: mu_ held
  void count(ChaosPlane plane, FaultAction action);

  const ChaosConfig config_;
  std::atomic<bool> active_{false};
  std::mutex mu_;  // leaf: guards the fields below
  std::vector<Active> rules_;
  std::set<std::string, std::less<>> partition_;
  std::uint64_t partition_expires_ms_ = 0;
  std::mt19937_64 rng_;
  std::array<std::array<std::atomic<std::uint64_t>, 4>, kChaosPlaneCount> counts_{};
  std::atomic<std::uint64_t> rule_count_{0};
};

}  // namespace vsm::detail
