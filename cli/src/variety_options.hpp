// Variety flags of `vsmcat pub`, `sub` and `node` (docs/VARIETY.md, docs/CLI.md), layered
// over the [variety], [flow], [chaos] and [partition] tables of the --config file:
//   --quotas, --quota-policy reject|delay, --aimd, --source-rate NAME=RATE (repeatable),
//   --flow-rule CHANNEL:FROM->TO (repeatable), --chaos, --partition-strategy NAME.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

struct VarietyOptions {
  bool quotas = false;
  std::string quota_policy;
  bool aimd = false;
  std::vector<std::string> source_rates;  // NAME=RATE
  std::vector<std::string> flow_rules;
  bool chaos = false;
  std::string partition_strategy;
};

void add_variety_options(CLI::App& app, VarietyOptions& options);
// Applies the flags set on the command line over `cfg` (values were checked by CLI11).
vsm::Status apply_variety_options(const VarietyOptions& options, vsm::NodeConfig& cfg);

}  // namespace vsmcat
