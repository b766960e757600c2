// How the repair worker reaches a publisher: an interface, so the worker's lanes,
// breakers, backoff and deadlines are tested with a scripted fake, and the real one
// (make_control_repair_transport()) talks to the publisher's control endpoint with a
// ControlClient (docs/PROTOCOL.md §2 replay and query).
// Thread-safety: connect() may run on several lane threads at once; each connection
// is used by one lane thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "vsm/channel.hpp"
#include "vsm/control_client.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

class RepairConnection {
 public:
  virtual ~RepairConnection() = default;
  // Events with from <= seq <= to of the publisher's `channel` (at most `max`).
  virtual Result<ReplayBatch> replay(Channel channel, std::uint64_t from, std::uint64_t to,
                                     std::size_t max) = 0;
  // The publisher's first event on `channel` at or after `wall_ms` (none: empty batch).
  virtual Result<ReplayBatch> first_at(const std::string& publisher, Channel channel,
                                       std::uint64_t wall_ms) = 0;
};

class RepairTransport {
 public:
  virtual ~RepairTransport() = default;
  // A connection to the control endpoint `endpoint` with per-request `timeout`.
  virtual std::unique_ptr<RepairConnection> connect(const std::string& endpoint,
                                                    std::chrono::milliseconds timeout) = 0;
};

// `keys` (may be empty) gives the CURVE keys for a control endpoint of a secured fabric.
using ControlKeyLookup = std::function<std::optional<CurveClientKeys>(const std::string& endpoint)>;
std::unique_ptr<RepairTransport> make_control_repair_transport(ControlKeyLookup keys = {});

}  // namespace vsm::detail
