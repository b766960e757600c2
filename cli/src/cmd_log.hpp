// `vsmcat log info DIR` and `vsmcat log verify DIR`: inspect an event log directory
// read-only (vsm::persist::LogReader; safe beside a running writer).
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_log(CLI::App& root);

}  // namespace vsmcat
