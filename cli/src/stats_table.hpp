// Text form of a node's "stats" map (docs/PROTOCOL.md §2, `vsmcat stats`): a table with a
// row per entry of "channels" plus the "total" row, one column per key the rows have (so
// counters added to the protocol later appear without code changes); every other field
// whose value is a map of maps ("latency", "rates") as a table of its own, headed by its
// key; then every other field as `key value` lines: nested maps flattened to dotted
// keys, arrays as compact JSON. No blank lines (`--watch` separates samples with one).
// Given the previous sample, integer fields also show their change per second.
// Thread-safety: pure functions.
//   auto lines = render_stats(now);          // one snapshot
//   StatsDelta d{before, 2.0};
//   auto lines = render_stats(now, &d);      // counters with "(12.5/s)" rates
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vsmcat {

// The sample before the one rendered, taken `interval_s` seconds earlier.
// REQUIRES: interval_s > 0.
struct StatsDelta {
  const nlohmann::ordered_json& previous;
  double interval_s;
};

// Lines without '\n', in the order of the map's keys (the node's wire order).
std::vector<std::string> render_stats(const nlohmann::ordered_json& stats,
                                      const StatsDelta* delta = nullptr);

}  // namespace vsmcat
