// The [node] and [security] tables of a `vsmcat --config` TOML file, applied over a
// vsm::NodeConfig. Keys are named after NodeConfig's (and SecurityConfig's) fields, units
// in the name; the lists are kKeys and kSecurityKeys in node_config_toml.cpp and the
// operator's keys in node_config_keys_ops.cpp, documented in docs/CLI.md "Configuration
// file". Unknown keys, unknown tables and values of the wrong type are errors naming the
// key or table (typos must not be silently ignored).
#pragma once

#include <string>
#include <string_view>

#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// Reads the TOML file `path` and applies its [node], then its [security] table to `cfg`;
// without them `cfg` is unchanged. kInvalid, with the file and key in the message, when the
// file cannot be read or parsed, a table or key is unknown or a key has a bad value; `cfg`
// may then be partly updated.
vsm::Status apply_node_config_file(const std::string& path, vsm::NodeConfig& cfg);

// As apply_node_config_file() for a TOML document already in memory; `source` names it
// in error messages (a path, or "<stdin>").
vsm::Status apply_node_config_toml(std::string_view document, const std::string& source,
                                   vsm::NodeConfig& cfg);

}  // namespace vsmcat
