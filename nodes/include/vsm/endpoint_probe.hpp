// Finds out what answers at a ZeroMQ endpoint before a tool relies on it, so that a typo
// or a wrong line copied from `vsmcat node` is a clear error instead of a silent wait:
// a publish endpoint (a PUB/XPUB: a SUB completes its handshake with it), a control
// endpoint (a ROUTER that answers `ping`), or an error saying what is wrong.
//   auto kind = vsm::probe_endpoint("tcp://127.0.0.1:41235", std::chrono::seconds(2));
//   if (kind && *kind == vsm::EndpointKind::kControl) { /* use it for stats */ }
// Blocking: at most `timeout`. Thread-safety: any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "vsm/result.hpp"

namespace vsm {

enum class EndpointKind : std::uint8_t { kPublisher, kControl };

// "publish endpoint", "control endpoint".
std::string_view endpoint_kind_name(EndpointKind kind) noexcept;

// Errors: kInvalid (malformed endpoint, or a host name that does not resolve), kIo
// (connection refused: nothing listens there), kUnsupported (something answers, but
// neither as a publisher nor as a control endpoint), kDeliveryTimeout (no answer).
Result<EndpointKind> probe_endpoint(const std::string& endpoint, std::chrono::milliseconds timeout);

}  // namespace vsm
