// A node's security component (docs/SECURITY.md §6): its own keys, the trusted key
// store, the ZAP handler thread, the event signer, the receivers' checks
// (source_check.hpp) and the keys control clients use to reach publishers. The node's
// sockets ask it how to configure themselves; null-object when security is off
// (enabled() false, every hook a no-op).
// Thread-safety: after open(), everything is safe from any thread (the trusted store and
// the control-endpoint map have leaf mutexes).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "core/node_counters.hpp"
#include "security/event_signer.hpp"
#include "security/key_file.hpp"
#include "security/refusal_log.hpp"
#include "security/trusted_keys.hpp"
#include "security/zap_handler.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

class NodeSecurity {
 public:
  NodeSecurity(const NodeConfig& config, NodeCounters& counters);
  ~NodeSecurity();

  bool enabled() const noexcept { return config_.security.enabled(); }
  // Reads the key file and the trusted directory, checks that the key names this node
  // and that the trusted directory has this node's key, and starts the ZAP handler in
  // `ctx` (before any CURVE server binds). kInvalid / kIo naming the file.
  Status open(zmq::context_t& ctx);
  // Stops the ZAP handler. Call after the CURVE server sockets are closed.
  void stop();

  // Socket setup (no-ops when disabled).
  void make_server(zmq::socket_t& socket, std::string_view zap_domain) const;
  // The data-plane client keys: the XSUB pins `name`'s key for the next connect.
  // kNotFound (counted, logged) when no trusted key names it; kInvalid without a name.
  Status make_client(zmq::socket_t& socket, const std::string& name, const std::string& endpoint);

  // Signs `event` when its channel is a signed channel (publisher thread).
  void sign(Event& event);
  // Control clients: the keys to reach the control endpoint a trusted publisher
  // announced in its (authenticated) hello; empty when unknown or disabled.
  void note_control_endpoint(const std::string& name, const std::string& endpoint);
  std::optional<CurveClientKeys> control_keys(const std::string& endpoint);

  TrustedKeyStore& trusted() { return *trusted_; }
  bool signs(Channel c) const noexcept { return sign_mask_ & (1u << channel_index(c)); }
  void fill_stats(SecurityStats& s) const;

 private:
  const NodeConfig& config_;
  NodeCounters& counters_;
  std::unique_ptr<SecretKeyEntry> keys_;
  std::unique_ptr<TrustedKeyStore> trusted_;
  std::unique_ptr<ZapPolicy> zap_policy_;
  std::unique_ptr<ZapHandler> zap_;
  std::unique_ptr<EventSigner> signer_;
  std::unique_ptr<RefusalLog> connect_log_;
  unsigned sign_mask_ = 0;
  std::mutex mu_;                                     // leaf: control_names_
  std::map<std::string, std::string> control_names_;  // control endpoint -> node name
};

}  // namespace vsm::detail
