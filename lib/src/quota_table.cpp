#include "vsm/quota_table.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>
#include <utility>

#include "vsm/flow_rules.hpp"

namespace vsm {
namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

std::string format_rate(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", rate);
  return buf;
}

}  // namespace

QuotaTable::QuotaTable(QuotaConfig config)
    : config_(std::move(config)), overrides_(config_.source_rate_per_s) {
  for (Channel c : kAllChannels) {
    const double cap = config_.channel_rate_per_s[channel_index(c)];
    if (c != Channel::kAlgedonic && cap > 0) caps_[channel_index(c)].emplace(bucket_config(cap));
  }
}

TokenBucketConfig QuotaTable::bucket_config(double rate_per_s) const {
  const double burst = rate_per_s * static_cast<double>(config_.burst_ms) / 1000.0;
  return TokenBucketConfig{rate_per_s, std::max(1.0, burst)};
}

double QuotaTable::rate_locked(std::string_view source) const {
  if (auto it = overrides_.find(source); it != overrides_.end()) return it->second;
  auto role = role_from_name(source);
  if (!role) return config_.unknown_role_rate_per_s;
  switch (*role) {
    case Role::kS1: return config_.s1_rate_per_s;
    case Role::kS2: return config_.s2_rate_per_s;
    case Role::kS3: return config_.s3_rate_per_s;
    case Role::kS3Star: return config_.s3star_rate_per_s;
    case Role::kS4: return config_.s4_rate_per_s;
    case Role::kS5: return config_.s5_rate_per_s;
  }
  return config_.unknown_role_rate_per_s;
}

double QuotaTable::source_rate_per_s(std::string_view source) const {
  std::lock_guard lock(mu_);
  return rate_locked(source);
}

std::size_t QuotaTable::tracked_sources() const {
  std::lock_guard lock(mu_);
  return tracked_;
}

void QuotaTable::evict_idle(std::uint64_t now_ms) {
  for (auto& map : sources_) {
    for (auto it = map.begin(); it != map.end();) {
      it = it->second.bucket.pressure(now_ms) == 0.0 ? map.erase(it) : std::next(it);
    }
  }
  tracked_ = 0;
  for (const auto& map : sources_) tracked_ += map.size();
}

QuotaTable::SourceQuota* QuotaTable::source_bucket(Channel c, std::string_view source, std::uint64_t now_ms,
                                       std::optional<Error>* error) {
  auto& map = sources_[channel_index(c)];
  if (auto it = map.find(source); it != map.end()) return &it->second;
  const double rate = rate_locked(source);
  if (rate <= 0) return nullptr;  // unlimited
  if (tracked_ >= config_.max_tracked_sources) evict_idle(now_ms);
  if (tracked_ >= config_.max_tracked_sources) {
    error->emplace(ErrorCode::kQuotaExceeded,
                   "quota table full: " + std::to_string(config_.max_tracked_sources) +
                       " busy (channel, source) buckets; new source '" + std::string(source) +
                       "' on channel '" + std::string(channel_name(c)) +
                       "' refused (raise quota max_tracked_sources)");
    return nullptr;
  }
  ++tracked_;
  return &map.emplace(std::string(source), SourceQuota{TokenBucket(bucket_config(rate), now_ms), rate})
              .first->second;
}

Error QuotaTable::exceeded(Channel c, std::string_view source, const TokenBucket& b, bool is_cap,
                           std::uint64_t wait_ms) const {
  std::string msg = "quota exceeded on channel '" + std::string(channel_name(c)) + "'";
  msg += is_cap ? " (all sources, cap for source '" + std::string(source) + "')"
                : " for source '" + std::string(source) + "'";
  msg += ": limit " + format_rate(b.config().rate_per_s) + "/s, burst " +
         format_rate(b.config().burst_tokens);
  msg += wait_ms == kNever ? "; request is larger than the burst"
                           : "; next slot in " + std::to_string(wait_ms) + " ms";
  msg += is_cap ? " (raise quota channel_rate_per_s or slow down)"
                : " (raise quota source_rate_per_s or slow down)";
  return Error::quota_exceeded(std::move(msg));
}

Result<std::uint64_t> QuotaTable::admit(Channel channel, std::string_view source,
                                        std::uint64_t now_ms, std::uint32_t n) {
  const std::size_t ci = channel_index(channel);
  if (channel == Channel::kAlgedonic) {  // never limited
    admitted_[ci].fetch_add(n, std::memory_order_relaxed);
    return std::uint64_t{0};
  }
  std::lock_guard lock(mu_);
  if (config_.aimd_enabled && now_ms >= next_adapt_ms_) adapt(now_ms);
  std::optional<Error> error;
  SourceQuota* quota = source_bucket(channel, source, now_ms, &error);
  TokenBucket* src = quota ? &quota->bucket : nullptr;
  if (quota) quota->used += n;  // trying counts as activity (AIMD)
  if (error) {
    rejected_[ci].fetch_add(n, std::memory_order_relaxed);
    return std::move(*error);
  }
  TokenBucket* cap = caps_[ci] ? &*caps_[ci] : nullptr;
  const std::uint64_t src_wait = src ? src->ms_until_available(now_ms, n) : 0;
  const std::uint64_t cap_wait = cap ? cap->ms_until_available(now_ms, n) : 0;
  const std::uint64_t limit = config_.policy == QuotaPolicy::kDelay ? config_.max_delay_ms : 0;
  if (src_wait > limit || cap_wait > limit) {
    rejected_[ci].fetch_add(n, std::memory_order_relaxed);
    const bool is_cap = src_wait <= limit;
    return exceeded(channel, source, is_cap ? *cap : *src, is_cap, is_cap ? cap_wait : src_wait);
  }
  // Both buckets can take the tokens within the limit: take them (possibly into debt).
  if (src) (void)src->reserve(now_ms, n, kNever);
  if (cap) (void)cap->reserve(now_ms, n, kNever);
  const std::uint64_t wait = std::max(src_wait, cap_wait);
  admitted_[ci].fetch_add(n, std::memory_order_relaxed);
  if (wait > 0) delayed_[ci].fetch_add(n, std::memory_order_relaxed);
  return wait;
}

double QuotaTable::pressure(Channel channel, std::uint64_t now_ms) {
  if (channel == Channel::kAlgedonic) return 0.0;
  std::lock_guard lock(mu_);
  const std::size_t ci = channel_index(channel);
  double p = caps_[ci] ? caps_[ci]->pressure(now_ms) : 0.0;
  for (auto& [name, q] : sources_[ci]) p = std::max(p, q.bucket.pressure(now_ms));
  return p;
}

void QuotaTable::set_source_rate(std::string_view source, double rate_per_s,
                                 std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  overrides_.insert_or_assign(std::string(source), rate_per_s);
  for (auto& map : sources_) {
    auto it = map.find(source);
    if (it == map.end()) continue;
    if (rate_per_s <= 0) {
      map.erase(it);
      --tracked_;
    } else {
      it->second.rate = rate_per_s;
      it->second.bucket.reconfigure(bucket_config(rate_per_s), now_ms);
    }
  }
}

double QuotaTable::current_rate(Channel channel, std::string_view source) const {
  std::lock_guard lock(mu_);
  const auto& map = sources_[channel_index(channel)];
  if (auto it = map.find(source); it != map.end()) return it->second.rate;
  return rate_locked(source);
}

// One AIMD step over every tracked source: multiplicative decrease for the active sources
// of a channel under pressure, additive increase (up to the configured rate) elsewhere.
void QuotaTable::adapt(std::uint64_t now_ms) {
  const std::uint64_t interval = std::max<std::uint64_t>(config_.aimd_interval_ms, 1);
  next_adapt_ms_ = now_ms + interval;
  const double external = external_pressure_.load();
  const double step = config_.aimd_increase_per_s * static_cast<double>(interval) / 1000.0;
  for (Channel c : kAllChannels) {
    const std::size_t ci = channel_index(c);
    const double cap = caps_[ci] ? caps_[ci]->pressure(now_ms) : 0.0;
    const bool pressed = std::max(cap, external) >= config_.aimd_high_pressure;
    for (auto& [name, q] : sources_[ci]) {
      const double ceiling = rate_locked(name);
      double next = q.rate;
      const bool active = std::exchange(q.used, 0) > 0;
      if (pressed && active) {
        next = std::max(config_.aimd_min_rate_per_s, q.rate * config_.aimd_decrease);
      } else if (!pressed && q.rate < ceiling) {
        next = std::min(ceiling, q.rate + step);
      }
      if (next == q.rate || next <= 0) continue;
      (next < q.rate ? aimd_decreases_ : aimd_increases_).fetch_add(1, std::memory_order_relaxed);
      q.rate = next;
      q.bucket.reconfigure(bucket_config(next), now_ms);
    }
  }
}

}  // namespace vsm
