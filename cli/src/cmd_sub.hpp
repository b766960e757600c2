// `vsmcat sub`: see docs/CLI.md.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_sub(CLI::App& root);

}  // namespace vsmcat
