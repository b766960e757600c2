// `vsmcat stats --node CONTROL_ENDPOINT [--json] [--watch S [--count N]]`: a live node's
// counters (the control plane's "stats" map, docs/PROTOCOL.md §2) as a table or JSON,
// once or every S seconds with per-second rates.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_stats(CLI::App& root);

}  // namespace vsmcat
