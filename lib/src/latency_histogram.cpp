#include "vsm/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace vsm {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// Increment for a histogram with a single writer: a plain load and store, no lock prefix.
void bump(std::atomic<std::uint64_t>& a, std::uint64_t n) noexcept {
  a.store(a.load(kRelaxed) + n, kRelaxed);
}

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t us) noexcept {
  const auto it = std::lower_bound(kLatencyBoundsUs.begin(), kLatencyBoundsUs.end(), us);
  return static_cast<std::size_t>(it - kLatencyBoundsUs.begin());
}

void LatencyHistogram::record(std::int64_t us) noexcept {
  const std::uint64_t v = us < 0 ? 0 : static_cast<std::uint64_t>(us);
  if (us < 0) negative_.fetch_add(1, kRelaxed);
  buckets_[bucket_of(v)].fetch_add(1, kRelaxed);
  sum_us_.fetch_add(v, kRelaxed);
  std::uint64_t prev = max_us_.load(kRelaxed);
  while (v > prev && !max_us_.compare_exchange_weak(prev, v, kRelaxed)) {
  }
}

void LatencyHistogram::record_unsynchronized(std::int64_t us) noexcept {
  const std::uint64_t v = us < 0 ? 0 : static_cast<std::uint64_t>(us);
  if (us < 0) bump(negative_, 1);
  bump(buckets_[bucket_of(v)], 1);
  bump(sum_us_, v);
  if (v > max_us_.load(kRelaxed)) max_us_.store(v, kRelaxed);
}

LatencySnapshot LatencyHistogram::snapshot() const noexcept {
  LatencySnapshot s;
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    s.buckets[i] = buckets_[i].load(kRelaxed);
    s.count += s.buckets[i];  // so that count always equals the buckets' sum
  }
  s.sum_us = sum_us_.load(kRelaxed);
  s.max_us = max_us_.load(kRelaxed);
  s.negative = negative_.load(kRelaxed);
  return s;
}

std::uint64_t LatencySnapshot::percentile_us(double q) const noexcept {
  if (count == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    if (buckets[i] == 0 || seen + buckets[i] < rank) {
      seen += buckets[i];
      continue;
    }
    if (i == kLatencyBoundsUs.size()) return max_us;  // overflow bucket: only max is known
    const double lo = i == 0 ? 0.0 : static_cast<double>(kLatencyBoundsUs[i - 1]);
    const double hi = static_cast<double>(kLatencyBoundsUs[i]);
    const double frac = static_cast<double>(rank - seen) / static_cast<double>(buckets[i]);
    const auto est = static_cast<std::uint64_t>(lo + (hi - lo) * frac);
    return std::min(est, max_us);
  }
  return max_us;
}

void LatencySnapshot::merge(const LatencySnapshot& o) noexcept {
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) buckets[i] += o.buckets[i];
  count += o.count;
  sum_us += o.sum_us;
  max_us = std::max(max_us, o.max_us);
  negative += o.negative;
}

}  // namespace vsm
