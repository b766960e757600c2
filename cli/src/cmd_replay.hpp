// `vsmcat replay (--log DIR | --node ENDPOINT) [filters] [--speed X] [--republish]`:
// prints logged events as JSON lines (one object per event, event_json.hpp), or
// publishes them again onto the fabric (republisher.hpp), optionally paced like the
// original stream. --node reads a live node's log (or its retained ring) through the
// control plane's query op, page by page.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_replay(CLI::App& root);

}  // namespace vsmcat
