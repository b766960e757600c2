// Options given before the subcommand (`vsmcat -v --config FILE sub ...`), filled by
// main() while parsing and read by the subcommands' run functions.
// Thread-safety: written during parsing only, read afterwards.
#pragma once

#include <string>

namespace vsmcat {

struct GlobalOptions {
  std::string config_path;  // --config: TOML file, "" when not given
  int verbosity = 0;        // -v count: 0 warnings, 1 info, 2 debug, 3+ trace
};

GlobalOptions& global_options();

}  // namespace vsmcat
