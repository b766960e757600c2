// A node's own verdict on its viability (docs/OPERATIONS.md "Health"): viable, degraded or
// not viable, with the reasons. Part of NodeStats, served by the control plane's `health`
// op and by `vsmcat health` (exit code = the numeric value, for container probes).
// Plain values; copyable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsm {

enum class Viability : std::uint8_t {
  kViable = 0,     // nothing is wrong that the node can see
  kDegraded = 1,   // working, but impaired: a partition, open breakers, pressure, ...
  kNotViable = 2,  // cannot do its job: not running, or its event log refuses writes
};

// "viable", "degraded", "not_viable".
std::string_view viability_name(Viability v) noexcept;
std::optional<Viability> parse_viability(std::string_view name) noexcept;

struct HealthReport {
  Viability state = Viability::kViable;
  std::vector<std::string> reasons;  // one sentence each; empty when viable
};

}  // namespace vsm
