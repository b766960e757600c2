// Checks that an endpoint given on the command line is of the kind the subcommand needs,
// before it waits on it (vsm/endpoint_probe.hpp): `sub --connect` needs publish endpoints,
// `stats`, `members`, `status`, `health` and `replay --node` a control endpoint. The error
// says what was found instead and which line of `vsmcat node` to use; a wrong kind is a
// usage error (exit 2), nothing listening or no answer a runtime error (exit 1).
// Blocking: at most `timeout` per endpoint. Thread-safety: plain functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "vsm/endpoint_probe.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

struct EndpointProblem {
  std::string message;  // for "vsmcat <cmd>: error: <message>"
  int exit_code = 1;
};

// Empty when `endpoint` answers as `wanted`.
std::optional<EndpointProblem> check_endpoint(const std::string& endpoint, vsm::EndpointKind wanted,
                                              std::chrono::milliseconds timeout);

}  // namespace vsmcat
