// LatencyHistogram: bucket edges, percentile estimates within a bucket, negative samples,
// merging, and concurrent recording without lost counts.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "vsm/latency_histogram.hpp"

using vsm::LatencyHistogram;
using vsm::LatencySnapshot;

TEST_CASE("latency buckets are inclusive upper bounds", "[lib][latency]") {
  CHECK(LatencyHistogram::bucket_of(0) == 0);
  CHECK(LatencyHistogram::bucket_of(50) == 0);
  CHECK(LatencyHistogram::bucket_of(51) == 1);
  CHECK(LatencyHistogram::bucket_of(1'000) == 4);
  CHECK(LatencyHistogram::bucket_of(10'000'000) == vsm::kLatencyBoundsUs.size() - 1);
  CHECK(LatencyHistogram::bucket_of(10'000'001) == vsm::kLatencyBoundsUs.size());
}

TEST_CASE("an empty histogram reports zeros", "[lib][latency]") {
  LatencyHistogram h;
  const auto s = h.snapshot();
  CHECK(s.count == 0);
  CHECK(s.percentile_us(0.5) == 0);
  CHECK(s.percentile_us(0.99) == 0);
}

TEST_CASE("percentiles fall in the right bucket and never exceed the max", "[lib][latency]") {
  LatencyHistogram h;
  for (int i = 0; i < 90; ++i) h.record(700);     // bucket (500, 1000]
  for (int i = 0; i < 10; ++i) h.record(40'000);  // bucket (25 ms, 50 ms]
  const auto s = h.snapshot();
  CHECK(s.count == 100);
  CHECK(s.sum_us == 90 * 700 + 10 * 40'000);
  CHECK(s.max_us == 40'000);
  const auto p50 = s.percentile_us(0.50);
  CHECK(p50 > 500);
  CHECK(p50 <= 1'000);
  const auto p95 = s.percentile_us(0.95);
  CHECK(p95 > 25'000);
  CHECK(p95 <= 40'000);  // capped at the exact max, not the bucket's bound
  CHECK(s.percentile_us(1.0) == 40'000);
}

TEST_CASE("samples above the largest bound report the exact max", "[lib][latency]") {
  LatencyHistogram h;
  h.record(60'000'000);
  const auto s = h.snapshot();
  CHECK(s.buckets.back() == 1);
  CHECK(s.percentile_us(0.5) == 60'000'000);
}

TEST_CASE("negative samples count as zero and are reported", "[lib][latency]") {
  LatencyHistogram h;
  h.record(-3'000);
  h.record_unsynchronized(-1);
  h.record_unsynchronized(10);
  const auto s = h.snapshot();
  CHECK(s.negative == 2);
  CHECK(s.buckets[0] == 3);
  CHECK(s.sum_us == 10);
  CHECK(s.max_us == 10);
}

TEST_CASE("snapshots merge bucket by bucket", "[lib][latency]") {
  LatencyHistogram a, b;
  a.record(100);
  b.record(5'000);
  b.record(5'000);
  LatencySnapshot s = a.snapshot();
  s.merge(b.snapshot());
  CHECK(s.count == 3);
  CHECK(s.max_us == 5'000);
  CHECK(s.buckets[LatencyHistogram::bucket_of(100)] == 1);
  CHECK(s.buckets[LatencyHistogram::bucket_of(5'000)] == 2);
}

TEST_CASE("concurrent record() loses no sample", "[lib][latency]") {
  LatencyHistogram h;
  constexpr int kThreads = 4, kEach = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kEach; ++i) h.record(t * 1'000 + i % 7);
    });
  }
  for (auto& t : threads) t.join();
  const auto s = h.snapshot();
  CHECK(s.count == kThreads * kEach);
  CHECK(s.max_us == 3'006);
}
