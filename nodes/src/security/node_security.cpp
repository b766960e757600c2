#include "security/node_security.hpp"

#include <spdlog/spdlog.h>

#include "security/curve.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

NodeSecurity::NodeSecurity(const NodeConfig& config, NodeCounters& counters)
    : config_(config), counters_(counters) {
  for (Channel c : config.security.signed_channels) sign_mask_ |= 1u << channel_index(c);
}

NodeSecurity::~NodeSecurity() { stop(); }

Status NodeSecurity::open(zmq::context_t& ctx) {
  if (!enabled()) return {};
  const auto& sc = config_.security;
  if (sc.trusted_dir.empty()) {
    return Error::invalid("security.trusted_dir is required with security.key_file");
  }
  auto keys = read_secret_key_file(sc.key_file);
  if (!keys) return keys.error();
  if (keys->pub.name != config_.name) {
    return Error::invalid("security.key_file '" + sc.key_file + "' holds the key of node '" +
                          keys->pub.name + "', not of '" + config_.name + "'");
  }
  keys_ = std::make_unique<SecretKeyEntry>(std::move(*keys));
  trusted_ = std::make_unique<TrustedKeyStore>(sc.trusted_dir, sc.trusted_reload_ms);
  if (auto st = trusted_->open(); !st) return st;
  const auto own = trusted_->get(monotonic_ms())->by_curve_key(keys_->pub.curve_public, unix_ms());
  if (own == nullptr) {
    return Error::invalid("the trusted directory " + sc.trusted_dir + " lacks this node's key (" +
                          config_.name + ".pub): peers could not reach it either");
  }
  signer_ = std::make_unique<EventSigner>(config_.name, keys_->sign_secret);
  connect_log_ =
      std::make_unique<RefusalLog>(config_.name, "cannot connect to", sc.refusal_log_interval_ms);
  zap_policy_ = std::make_unique<ZapPolicy>(*trusted_, config_.name, sc.refusal_log_interval_ms);
  zap_ = std::make_unique<ZapHandler>(ctx, *zap_policy_);
  return zap_->start();
}

void NodeSecurity::stop() {
  if (zap_) zap_->stop();
}

void NodeSecurity::make_server(zmq::socket_t& socket, std::string_view zap_domain) const {
  if (keys_) make_curve_server(socket, keys_->curve_secret, zap_domain);
}

Status NodeSecurity::make_client(zmq::socket_t& socket, const std::string& name,
                                 const std::string& endpoint) {
  if (!keys_) return {};
  const PublicKeyEntry* server = nullptr;
  const auto trusted = trusted_->get(monotonic_ms());
  if (!name.empty()) server = trusted->current(name, unix_ms());
  if (server == nullptr) {
    NodeCounters::add(counters_.security.connects_refused);
    const std::string why = name.empty()
                                ? "security is on: name the publisher as NAME@" + endpoint
                                : "no trusted key for node '" + name + "' in " + trusted_->dir();
    connect_log_->warn(endpoint, why, monotonic_ms());
    return name.empty() ? Error::invalid(why) : Error::not_found(why);
  }
  make_curve_client(socket, keys_->pub.curve_public, keys_->curve_secret, server->curve_public);
  return {};
}

void NodeSecurity::sign(Event& event) {
  if (!signer_ || !signs(event.channel)) return;
  signer_->sign(event);
  NodeCounters::add(counters_.security.signed_published);
}

void NodeSecurity::note_control_endpoint(const std::string& name, const std::string& endpoint) {
  if (!keys_ || endpoint.empty()) return;
  std::lock_guard lock(mu_);
  control_names_[endpoint] = name;
}

std::optional<CurveClientKeys> NodeSecurity::control_keys(const std::string& endpoint) {
  if (!keys_) return std::nullopt;
  std::string name;
  {
    std::lock_guard lock(mu_);
    auto it = control_names_.find(endpoint);
    if (it == control_names_.end()) return std::nullopt;
    name = it->second;
  }
  const auto* server = trusted_->get(monotonic_ms())->current(name, unix_ms());
  if (server == nullptr) return std::nullopt;
  return CurveClientKeys{keys_->pub.curve_public, keys_->curve_secret, server->curve_public};
}

void NodeSecurity::fill_stats(SecurityStats& s) const {
  s.enabled = keys_ != nullptr;
  if (zap_policy_) {
    s.connections_accepted = zap_policy_->accepted();
    s.connections_refused = zap_policy_->refused();
  }
  const auto& c = counters_.security;
  s.connects_refused = c.connects_refused.load();
  s.forged_dropped = c.forged_dropped.load();
  s.flow_dropped = c.flow_dropped.load();
  s.unsigned_dropped = c.unsigned_dropped.load();
  s.bad_signature_dropped = c.bad_signature_dropped.load();
  s.signed_published = c.signed_published.load();
  s.signatures_verified = c.signatures_verified.load();
}

}  // namespace vsm::detail
