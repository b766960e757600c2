// `vsmcat node`: see docs/CLI.md.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_node(CLI::App& root);

}  // namespace vsmcat
