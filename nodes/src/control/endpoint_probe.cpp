// probe_endpoint(): a SUB socket with a monitor. The SUB's handshake succeeds only with a
// PUB or XPUB (a publisher); a control endpoint's ROUTER refuses it (socket types do not
// match), and then a control `ping` tells the two kinds of refusal apart.
#include "vsm/endpoint_probe.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <zmq.hpp>

#include "vsm/control_client.hpp"
#include "vsm/host_port.hpp"

namespace vsm {
namespace {

using Clock = std::chrono::steady_clock;

zmq::context_t& probe_context() {
  static zmq::context_t ctx(1);
  return ctx;
}

Status resolve(const Endpoint& ep) {
  if (ep.scheme != "tcp") return {};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(ep.address.host.c_str(), nullptr, &hints, &res);
  if (res != nullptr) ::freeaddrinfo(res);
  if (rc == 0) return {};
  return Error::invalid("cannot resolve host '" + ep.address.host + "': " + ::gai_strerror(rc));
}

enum class Outcome { kHandshake, kRefused, kMismatch, kTimeout };

// Reads monitor events until the connection's fate is known or the deadline passes.
Outcome watch(zmq::socket_t& monitor, Clock::time_point deadline) {
  bool connected = false;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
    if (left.count() <= 0 || zmq::poll(&item, 1, left) == 0) return Outcome::kTimeout;
    zmq::message_t event, addr;
    if (!monitor.recv(event) || !event.more() || !monitor.recv(addr)) continue;
    if (event.size() < 2) continue;
    std::uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    switch (id) {
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return Outcome::kHandshake;
      case ZMQ_EVENT_CONNECTED: connected = true; break;
      case ZMQ_EVENT_CONNECT_RETRIED:
        if (!connected) return Outcome::kRefused;
        return Outcome::kMismatch;  // it connected, then closed on us
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      case ZMQ_EVENT_DISCONNECTED: return Outcome::kMismatch;
      default: break;
    }
  }
}

Result<Outcome> connect_and_watch(const std::string& endpoint, Clock::time_point deadline) {
  static std::atomic<std::uint64_t> next{0};
  const std::string monitor_ep = "inproc://vsm-probe-" + std::to_string(next.fetch_add(1));
  try {
    zmq::socket_t sub(probe_context(), zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, 0);
    const int events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED |
                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    if (zmq_socket_monitor(sub.handle(), monitor_ep.c_str(), events) != 0) {
      return Error::io(std::string("cannot monitor a probe socket: ") + zmq_strerror(zmq_errno()));
    }
    zmq::socket_t monitor(probe_context(), zmq::socket_type::pair);
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(monitor_ep);
    sub.connect(endpoint);
    const Outcome out = watch(monitor, deadline);
    (void)zmq_socket_monitor(sub.handle(), nullptr, 0);
    return out;
  } catch (const zmq::error_t& e) {
    return Error::invalid("endpoint '" + endpoint + "': " + e.what());
  }
}

}  // namespace

std::string_view endpoint_kind_name(EndpointKind kind) noexcept {
  return kind == EndpointKind::kPublisher ? "publish endpoint" : "control endpoint";
}

Result<EndpointKind> probe_endpoint(const std::string& endpoint,
                                    std::chrono::milliseconds timeout) {
  auto ep = parse_endpoint(endpoint, PortRule::kRequired);
  if (!ep) return Error::invalid("endpoint '" + endpoint + "': " + ep.error().message());
  if (auto st = resolve(*ep); !st) return st.error();
  const auto deadline = Clock::now() + timeout;
  auto outcome = connect_and_watch(endpoint, deadline);
  if (!outcome) return outcome.error();
  switch (*outcome) {
    case Outcome::kHandshake: return EndpointKind::kPublisher;
    case Outcome::kRefused: return Error::io("connection refused: nothing listens on " + endpoint);
    case Outcome::kTimeout:
      return Error::delivery_timeout("no answer from " + endpoint + " within " +
                                     std::to_string(timeout.count()) + " ms");
    case Outcome::kMismatch: break;
  }
  const auto left =
      std::max(std::chrono::milliseconds(200),
               std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  if (ControlClient(endpoint, left).ping()) return EndpointKind::kControl;
  return Error::unsupported(endpoint +
                            " answers, but neither as a vsmfabric publisher nor as a control "
                            "endpoint (ZeroMQ handshake refused, no reply to ping)");
}

}  // namespace vsm
