// `vsmcat alert`: raise one algedonic alert (DESIGN §2) and print its delivery report as
// one JSON object on stdout. See docs/PROTOCOL.md ("Algedonic plane").
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_alert(CLI::App& root);

}  // namespace vsmcat
