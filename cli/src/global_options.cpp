#include "global_options.hpp"

namespace vsmcat {

GlobalOptions& global_options() {
  static GlobalOptions options;
  return options;
}

}  // namespace vsmcat
