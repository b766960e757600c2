#include "endpoint_check.hpp"

#include "control_connect.hpp"

#include "command.hpp"

namespace vsmcat {

std::optional<EndpointProblem> check_endpoint(const std::string& endpoint, vsm::EndpointKind wanted,
                                              std::chrono::milliseconds timeout) {
  // A CURVE server cannot be probed in the clear: with security configured the secured
  // connection (control_connect.hpp) reports what is wrong instead.
  if (security_configured()) return std::nullopt;
  auto kind = vsm::probe_endpoint(endpoint, timeout);
  if (kind && *kind == wanted) return std::nullopt;
  if (kind) {
    if (wanted == vsm::EndpointKind::kControl) {
      return EndpointProblem{endpoint +
                                 ": this is not a control endpoint but a publish "
                                 "endpoint (use the `control <ep>` line that `vsmcat "
                                 "node` prints)",
                             kExitUsage};
    }
    return EndpointProblem{endpoint +
                               ": this is not a publish endpoint but a control endpoint "
                               "(connect to the `endpoint <ep>` line that `vsmcat pub` "
                               "or `vsmcat node` prints; the control endpoint is for "
                               "stats, members, status, health and replay --node)",
                           kExitUsage};
  }
  const vsm::Error& e = kind.error();
  std::string msg = endpoint + ": ";
  if (e.code() == vsm::ErrorCode::kIo) {
    msg += "no reply, " + e.message() + " (is the node running? check the port)";
  } else if (e.code() == vsm::ErrorCode::kDeliveryTimeout) {
    msg += e.message() + " (is it a vsmfabric node?)";
  } else {
    msg += e.message();
  }
  return EndpointProblem{msg, e.code() == vsm::ErrorCode::kUnsupported ? kExitUsage : kExitRuntime};
}

}  // namespace vsmcat
