// `vsmcat status --node CONTROL_ENDPOINT [--once] [--json] [--interval S] [-c N]`: a live
// view of the fabric as one node sees it (status_view.hpp), redrawn in place on a
// terminal like `top`; --once prints one frame, --json one object per refresh.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_status(CLI::App& root);

}  // namespace vsmcat
