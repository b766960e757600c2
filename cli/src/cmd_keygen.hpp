// `vsmcat keygen NAME`: see docs/CLI.md and docs/SECURITY.md §6.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_keygen(CLI::App& root);

}  // namespace vsmcat
