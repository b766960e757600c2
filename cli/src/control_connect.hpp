// The control client of `vsmcat stats`, `members` and `replay --node`: plain, or, when
// the --config file's [security] table has a key_file, CURVE with this operator's key
// and the node's trusted key (docs/SECURITY.md §6). A secured node is then named
// NAME@ENDPOINT, so its key can be found in the trusted directory.
#pragma once

#include <chrono>
#include <string>

#include "vsm/control_client.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// kInvalid: a secured config without NAME@ (or a bad config); kNotFound: no trusted key.
vsm::Result<vsm::ControlClient> connect_control(const std::string& node,
                                                std::chrono::milliseconds timeout);

}  // namespace vsmcat
