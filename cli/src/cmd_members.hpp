// `vsmcat members --node CONTROL_ENDPOINT [--json]`: the gossip membership table and
// partition state as one node sees it.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_members(CLI::App& root);

}  // namespace vsmcat
