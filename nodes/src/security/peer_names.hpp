// Which publisher sent a message the XSUB received. A CURVE client learns nothing per
// message (ZAP and its "User-Id" run on the server side), but it pins one server key per
// connect: so the reactor records the node name it looked the key up for, per endpoint,
// and follows the socket's monitor (ZMQ_EVENT_CONNECTED / _DISCONNECTED carry the
// connection's descriptor and endpoint); each message carries the descriptor it came
// from (ZMQ_SRCFD). Descriptor -> endpoint -> name then names the authenticated sender.
// The monitor must be drained after a message is received and before it is attributed:
// libzmq reports a connection before any of its messages can arrive.
// Thread-safety: reactor thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vsm::detail {

class PeerNames {
 public:
  // Connecting to `endpoint` with the server key of node `name`.
  void expect(const std::string& endpoint, const std::string& name) { names_[endpoint] = name; }
  void forget(const std::string& endpoint) { names_.erase(endpoint); }

  // A monitor event (ZMQ_EVENT_* with its value and endpoint).
  void on_event(std::uint16_t event, std::uint32_t value, std::string_view endpoint);
  // The node behind connection `fd`; empty when unknown (never connected by us).
  std::string_view name_of(int fd) const;

 private:
  std::map<std::string, std::string, std::less<>> names_;  // endpoint -> node name
  std::unordered_map<int, std::string> by_fd_;             // live connections
};

}  // namespace vsm::detail
