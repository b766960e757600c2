// A small fixed-bucket latency histogram for operators (NodeStats percentiles, the
// Prometheus exposition): 17 bounds from 50 us to 10 s plus an overflow bucket, so a
// snapshot is a plain copyable value and buckets line up with Prometheus `le` labels.
// Percentiles are estimated within a bucket (linear interpolation, capped at the exact
// max), good to the bucket's width; bench/ has a high-resolution histogram for
// measurements. Negative samples (a sender's clock ahead of ours) are counted in the
// first bucket and in `negative`.
// Thread-safety: record() from any thread (relaxed atomics); record_unsynchronized()
// when only one thread ever records into this histogram (no locked instruction on the
// hot path); snapshot() from any thread, concurrently with either.
//   LatencyHistogram h;
//   h.record(420);                          // microseconds
//   auto p99 = h.snapshot().percentile_us(0.99);
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace vsm {

// Upper bounds of the finite buckets, microseconds, ascending.
inline constexpr std::array<std::uint64_t, 17> kLatencyBoundsUs = {
    50,      100,     250,     500,       1'000,     2'500,     5'000,     10'000,   25'000,
    50'000,  100'000, 250'000, 500'000,   1'000'000, 2'500'000, 5'000'000, 10'000'000};
// Finite buckets plus one for samples above the largest bound.
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsUs.size() + 1;

struct LatencySnapshot {
  std::array<std::uint64_t, kLatencyBuckets> buckets{};  // per bucket, not cumulative
  std::uint64_t count = 0;     // sum of buckets
  std::uint64_t sum_us = 0;    // of the samples (negative ones as 0)
  std::uint64_t max_us = 0;
  std::uint64_t negative = 0;  // samples below 0 (clock skew), also in buckets[0]

  // Estimate of the q-quantile (0 <= q <= 1) in microseconds; 0 when empty.
  std::uint64_t percentile_us(double q) const noexcept;
  void merge(const LatencySnapshot& other) noexcept;
};

class LatencyHistogram {
 public:
  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void record(std::int64_t us) noexcept;
  // REQUIRES: no other thread records into this histogram.
  void record_unsynchronized(std::int64_t us) noexcept;
  LatencySnapshot snapshot() const noexcept;

  static std::size_t bucket_of(std::uint64_t us) noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets> buckets_{};
  std::atomic<std::uint64_t> sum_us_{0};
  std::atomic<std::uint64_t> max_us_{0};
  std::atomic<std::uint64_t> negative_{0};
};

}  // namespace vsm
