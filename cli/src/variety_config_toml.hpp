// The variety tables of a `vsmcat --config` TOML file (docs/VARIETY.md, docs/CLI.md):
//   [variety]    quotas, adaptive rates (AIMD) and [[variety.compress]] rules
//   [flow]       allow = ["CHANNEL:FROM->TO", ...] custom flow rules
//   [chaos]      built-in fault injection (enabled = false by default)
//   [partition]  strategy, weights, vsm_health window, degraded mode, reconciliation
//   [gossip]     max_members, max_gossip_connections, push_pull_interval_ms
// Unknown keys and values of the wrong type are errors naming the table and key.
#pragma once

#include <string>

// As node_config_toml.cpp: toml++'s internal assertions stay off.
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>

#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// Applies the variety tables present in `root` to `cfg` (absent tables change nothing).
// kInvalid naming `path`, the table and the key; `cfg` may then be partly updated.
vsm::Status apply_variety_tables(const toml::table& root, const std::string& path,
                                 vsm::NodeConfig& cfg);

}  // namespace vsmcat
