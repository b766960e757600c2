// The node's control plane: a ControlServer (control/control_server.hpp, its own thread)
// wired to what it serves: stats, info, members, health, recent (telemetry and alerts),
// replay (ring, then log) and query (log, else ring). The handlers only read thread-safe
// state; none touches a data socket.
// Thread-safety: start()/request_stop()/stop() from the node's owner; endpoint() any.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "chaos/chaos_engine.hpp"
#include "control/control_server.hpp"
#include "delivery/reliable_delivery.hpp"
#include "log/node_log.hpp"
#include "membership/membership_wiring.hpp"
#include "publish/publish_path.hpp"
#include "telemetry/telemetry_hub.hpp"

namespace vsm::detail {

struct ControlSources {
  std::string instance;
  std::function<NodeStats()> stats;
  PublishPath* publish = nullptr;
  NodeLog* log = nullptr;
  MembershipWiring* membership = nullptr;
  ReliableDelivery* reliable = nullptr;
  TelemetryHub* telemetry = nullptr;
  ChaosEngine* chaos = nullptr;  // variety ops (control/variety_ops.hpp)
};

class ControlWiring {
 public:
  ControlWiring(const NodeConfig& config, zmq::context_t& ctx, const NodeSecurity& security)
      : config_(config), ctx_(ctx), security_(security) {}

  // Binds control_bind and starts serving (no-op when it is empty).
  Status start(ControlSources sources);
  // Resolved endpoint; empty when disabled or before start().
  std::string endpoint() const { return server_ ? server_->endpoint() : std::string(); }
  void request_stop() {
    if (server_) server_->request_stop();
  }
  void stop() {
    if (server_) server_->stop();
  }
  // Adds the control plane's counters to `s` (nothing when disabled).
  void fill_stats(NodeStats& s) const;

 private:
  void encode_info(std::string& out, std::uint32_t& fields) const;
  void encode_members(std::string& out, std::uint32_t& fields) const;
  void encode_health(std::string& out, std::uint32_t& fields) const;
  void encode_recent(std::string& out, std::uint32_t& fields) const;

  const NodeConfig& config_;
  zmq::context_t& ctx_;
  const NodeSecurity& security_;
  ControlSources src_;
  std::unique_ptr<ControlServer> server_;
};

}  // namespace vsm::detail
