// `vsmcat replay --log DIR [filters] [--speed X]`: prints logged events as JSON lines
// (one object per event, event_json.hpp), optionally paced like the original stream.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_replay(CLI::App& root);

}  // namespace vsmcat
