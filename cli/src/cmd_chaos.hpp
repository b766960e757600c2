// `vsmcat chaos --node CONTROL_ENDPOINT ...`: built-in fault injection on a running node
// (docs/VARIETY.md "Fault injection"; refused unless the node has [chaos] enabled = true).
//   vsmcat chaos --node EP --drop 0.3 --plane data --peer s1.a --for 30s
//   vsmcat chaos --node EP --delay 200ms --channel coordination --for 10s
//   vsmcat chaos --node EP --partition s1.a,s1.b --for 30s
//   vsmcat chaos --node EP --clear | --list
// Every rule expires by itself after --for (default 30s).
// `vsmcat partition resolve --node EP`: ends a `manual` partition's degraded state.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_chaos(CLI::App& root);
Command register_partition(CLI::App& root);

}  // namespace vsmcat
