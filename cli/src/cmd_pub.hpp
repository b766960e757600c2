// `vsmcat pub`: see docs/CLI.md.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_pub(CLI::App& root);

}  // namespace vsmcat
