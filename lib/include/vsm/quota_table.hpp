// Variety quotas (DESIGN §3, issue 7): a token bucket per (channel, source), with a rate
// taken from the source's override or else from the default for the role in its name
// (role_from_name: "s5.policy" -> S5), plus an optional aggregate cap per channel over all
// sources. Algedonic events are never limited (they must always get through).
// Excess is rejected with kQuotaExceeded or, under QuotaPolicy::kDelay, admitted with a
// delay the caller waits before sending. With aimd_enabled, per-source rates follow the
// pressure (additive increase, multiplicative decrease; docs/VARIETY.md "Adaptive
// rates"). Sans-I/O: callers pass monotonic milliseconds.
// Thread-safety: all methods are thread-safe (one mutex; counters are atomics).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vsm/channel.hpp"
#include "vsm/result.hpp"
#include "vsm/role.hpp"
#include "vsm/token_bucket.hpp"

namespace vsm {

enum class QuotaPolicy : std::uint8_t {
  kReject,  // over quota: Error kQuotaExceeded
  kDelay,   // over quota: admitted with a delay, rejected beyond max_delay_ms
};

// Every rate is events per second; 0 means unlimited.
struct QuotaConfig {
  QuotaPolicy policy = QuotaPolicy::kReject;
  std::uint64_t max_delay_ms = 1000;  // kDelay: a longer wait is rejected instead
  std::uint64_t burst_ms = 1000;      // bucket capacity = rate x burst_ms (at least 1 event)
  // Per-source defaults by the role in the source name.
  double s1_rate_per_s = 1000;
  double s2_rate_per_s = 500;
  double s3_rate_per_s = 200;
  double s3star_rate_per_s = 200;
  double s4_rate_per_s = 100;
  double s5_rate_per_s = 50;
  double unknown_role_rate_per_s = 1000;  // source names without a role prefix
  // Per-source overrides (exact source name), applied on every channel.
  std::map<std::string, double, std::less<>> source_rate_per_s;
  // Aggregate cap per channel over all sources (index: channel_index()); 0 = none.
  std::array<double, kChannelCount> channel_rate_per_s{};
  // Bound on tracked (channel, source) buckets; idle (full) buckets are evicted first.
  std::size_t max_tracked_sources = 4096;

  // Adaptive rates (AIMD). Every aimd_interval_ms (checked on admit()), a channel is
  // under pressure when the higher of its cap's fill and set_pressure() reaches
  // aimd_high_pressure: every source that sent on it since the previous step has its
  // rate multiplied by aimd_decrease (not below aimd_min_rate_per_s).
  // Otherwise every source below its configured rate gets aimd_increase_per_s more, up
  // to that rate. An idle source is forgotten and starts again at its configured rate.
  bool aimd_enabled = false;
  std::uint64_t aimd_interval_ms = 1000;
  double aimd_high_pressure = 0.9;
  double aimd_decrease = 0.5;
  double aimd_increase_per_s = 50;
  double aimd_min_rate_per_s = 1;
};

class QuotaTable {
 public:
  explicit QuotaTable(QuotaConfig config = {});
  QuotaTable(const QuotaTable&) = delete;
  QuotaTable& operator=(const QuotaTable&) = delete;

  // Admits n events from `source` on `channel` at now_ms. Returns the delay in ms to wait
  // before sending (always 0 under kReject), or kQuotaExceeded naming the channel, the
  // source and the limit. Non-blocking.
  Result<std::uint64_t> admit(Channel channel, std::string_view source, std::uint64_t now_ms,
                              std::uint32_t n = 1);

  // 0..1: the fullest bucket on the channel (the cap or any source); 0 for algedonic.
  double pressure(Channel channel, std::uint64_t now_ms);
  // The effective per-source rate (override, else role default); 0 = unlimited.
  double source_rate_per_s(std::string_view source) const;
  // Runtime override of one source's rate (0 = unlimited); existing buckets adopt it.
  // It is the configured rate AIMD never exceeds (a resource_bargain rate limit).
  void set_source_rate(std::string_view source, double rate_per_s, std::uint64_t now_ms);
  // External pressure 0..1 the AIMD rule also follows (the node's publish queue fill).
  void set_pressure(double pressure) noexcept { external_pressure_.store(pressure); }
  // The rate AIMD currently allows `source` on `channel` (its configured rate when not
  // tracked; 0 = unlimited).
  double current_rate(Channel channel, std::string_view source) const;
  // AIMD adjustments made: rates cut, rates raised.
  std::uint64_t aimd_decreases() const noexcept { return aimd_decreases_.load(); }
  std::uint64_t aimd_increases() const noexcept { return aimd_increases_.load(); }

  // Events admitted (including delayed ones), of which delayed, and rejected.
  std::uint64_t admitted(Channel c) const noexcept { return admitted_[channel_index(c)].load(); }
  std::uint64_t delayed(Channel c) const noexcept { return delayed_[channel_index(c)].load(); }
  std::uint64_t rejected(Channel c) const noexcept { return rejected_[channel_index(c)].load(); }
  std::size_t tracked_sources() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct SourceQuota {
    TokenBucket bucket;
    double rate;  // what AIMD allows now (<= the configured rate)
    std::uint64_t used = 0;  // events admitted since the last AIMD step
  };
  using SourceMap = std::unordered_map<std::string, SourceQuota, StringHash, std::equal_to<>>;

  TokenBucketConfig bucket_config(double rate_per_s) const;
  double rate_locked(std::string_view source) const;
  // Finds or creates the bucket; nullptr when the source is unlimited. Sets *error when
  // the table is full of busy buckets.
  SourceQuota* source_bucket(Channel c, std::string_view source, std::uint64_t now_ms,
                             std::optional<Error>* error);
  void evict_idle(std::uint64_t now_ms);
  void adapt(std::uint64_t now_ms);  // AIMD step; REQUIRES: mu_ held
  Error exceeded(Channel c, std::string_view source, const TokenBucket& b, bool is_cap,
                 std::uint64_t wait_ms) const;

  const QuotaConfig config_;
  mutable std::mutex mu_;
  std::map<std::string, double, std::less<>> overrides_;  // guarded by mu_
  std::array<SourceMap, kChannelCount> sources_;          // guarded by mu_
  std::array<std::optional<TokenBucket>, kChannelCount> caps_;  // guarded by mu_
  std::size_t tracked_ = 0;                                // guarded by mu_
  std::uint64_t next_adapt_ms_ = 0;                        // guarded by mu_
  std::atomic<double> external_pressure_{0.0};
  std::atomic<std::uint64_t> aimd_decreases_{0};
  std::atomic<std::uint64_t> aimd_increases_{0};
  std::array<std::atomic<std::uint64_t>, kChannelCount> admitted_{};
  std::array<std::atomic<std::uint64_t>, kChannelCount> delayed_{};
  std::array<std::atomic<std::uint64_t>, kChannelCount> rejected_{};
};

}  // namespace vsm
