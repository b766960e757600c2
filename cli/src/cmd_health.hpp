// `vsmcat health --node CONTROL_ENDPOINT [--json]`: the node's verdict on its viability,
// with the reasons; the exit code is the verdict (0 viable, 1 degraded, 2 not viable, and
// 2 when the node does not answer), for container liveness/readiness probes.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_health(CLI::App& root);

}  // namespace vsmcat
