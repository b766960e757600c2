#include "vsm/hlc.hpp"

#include <chrono>

namespace vsm {
namespace {

class SystemWallClock final : public WallClock {
 public:
  std::uint64_t now_ms() const override {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  }
};

}  // namespace

std::string HlcTimestamp::to_string() const {
  return std::to_string(wall_ms) + "." + std::to_string(logical) + "@" + node;
}

const WallClock& system_wall_clock() {
  static const SystemWallClock clock;
  return clock;
}

HybridClock::HybridClock(std::string node, const WallClock& clock, std::uint64_t max_drift_ms)
    : node_(std::move(node)), clock_(clock), max_drift_ms_(max_drift_ms) {}

HlcTick HybridClock::unpack(std::uint64_t packed) noexcept {
  return HlcTick{packed >> kLogicalBits,
                 static_cast<std::uint32_t>(packed & ((1u << kLogicalBits) - 1))};
}

HlcTimestamp HybridClock::make(std::uint64_t packed) const {
  const HlcTick t = unpack(packed);
  return HlcTimestamp{t.wall_ms, t.logical, node_};
}

HlcTimestamp HybridClock::now() { return make(advance()); }

HlcTick HybridClock::tick() { return unpack(advance()); }

std::uint64_t HybridClock::advance() {
  const std::uint64_t wall = clock_.now_ms() << kLogicalBits;
  std::uint64_t prev = state_.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    // Either the wall clock moved past the last timestamp (logical resets to 0), or we
    // count up; a full logical counter carries into wall_ms, which keeps monotonicity.
    next = wall > prev ? wall : prev + 1;
  } while (!state_.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  return next;
}

std::uint64_t HybridClock::pack(const HlcTimestamp& t) noexcept {
  const std::uint64_t logical_max = (1u << kLogicalBits) - 1;
  return (t.wall_ms << kLogicalBits) | (t.logical > logical_max ? logical_max : t.logical);
}

void HybridClock::merge(const HlcTimestamp& remote) {
  const std::uint64_t remote_packed = pack(remote);
  // Later local timestamps exceed the state, hence this remote one too.
  if (remote_packed < state_.load(std::memory_order_relaxed)) return;
  (void)observe(remote);
}

HlcTimestamp HybridClock::observe(const HlcTimestamp& remote) {
  const std::uint64_t local_wall = clock_.now_ms();
  if (remote.wall_ms > local_wall + max_drift_ms_) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return now();
  }
  const std::uint64_t remote_packed = pack(remote);
  const std::uint64_t wall = local_wall << kLogicalBits;
  std::uint64_t prev = state_.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    std::uint64_t base = prev > remote_packed ? prev : remote_packed;
    next = wall > base ? wall : base + 1;
  } while (!state_.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  return make(next);
}

}  // namespace vsm
