#include "membership/membership_bridge.hpp"

#include <spdlog/spdlog.h>

#include "vsm/host_port.hpp"

namespace vsm::detail {
namespace {

Result<gossip::UdpDriverConfig> driver_config(const NodeConfig& c,
                                              std::shared_ptr<gossip::DatagramHook> hook) {
  auto bind = parse_host_port(c.gossip_bind, PortRule::kZeroOk);
  if (!bind) return Error::invalid("NodeConfig.gossip_bind: " + bind.error().message());
  gossip::UdpDriverConfig d;
  d.name = c.name;
  d.role = c.role;
  d.bind_address = bind->host;
  d.bind_port = bind->port;
  d.advertise_address = c.gossip_advertise_host;
  d.tags = c.tags;
  d.seeds = c.seeds;
  d.membership = c.gossip;
  d.partition = c.partition;
  d.hook = std::move(hook);
  return d;
}

bool is_live(gossip::MemberEventKind k) {
  return k == gossip::MemberEventKind::kJoined || k == gossip::MemberEventKind::kUpdated ||
         k == gossip::MemberEventKind::kAlive;
}

}  // namespace

Result<std::unique_ptr<MembershipBridge>> MembershipBridge::create(const NodeConfig& config,
                                                                   MembershipHooks hooks) {
  auto dc = driver_config(config, hooks.datagram_hook);
  if (!dc) return dc.error();
  return std::unique_ptr<MembershipBridge>(new MembershipBridge(
      config, std::move(hooks), std::make_unique<gossip::UdpDriver>(std::move(dc).value())));
}

MembershipBridge::MembershipBridge(const NodeConfig& config, MembershipHooks hooks,
                                   std::unique_ptr<gossip::UdpDriver> driver)
    : self_(config.name),
      control_advertise_(config.control_advertise),
      max_connections_(config.max_gossip_connections),
      hooks_(std::move(hooks)),
      driver_(std::move(driver)) {}
MembershipBridge::~MembershipBridge() { stop(); }

void MembershipBridge::on_member_event(std::function<void(const gossip::MemberEvent&)> cb) {
  user_member_cb_ = std::move(cb);
}

void MembershipBridge::on_partition_event(std::function<void(const gossip::PartitionEvent&)> cb) {
  user_partition_cb_ = std::move(cb);
}

Status MembershipBridge::start(const gossip::Endpoints& local) {
  driver_->on_event([this](const gossip::MemberEvent& e) { handle(e); });
  driver_->on_partition([this](const gossip::PartitionEvent& e) {
    if (hooks_.partition_changed) hooks_.partition_changed(e);
    if (user_partition_cb_) user_partition_cb_(e);
  });
  if (auto st = driver_->start(); !st) return st;
  gossip::Endpoints eps = local;
  if (!control_advertise_.empty()) eps.control = control_advertise_;
  eps.gossip = driver_->gossip_address();
  return driver_->update_local(eps, {});
}

void MembershipBridge::stop() {
  if (driver_) driver_->stop();
}

// Suspect members stay wired: SWIM suspicion is often a false alarm, and ZeroMQ
// reconnects by itself. Only dead or left members are disconnected.
void MembershipBridge::handle(const gossip::MemberEvent& e) {
  if (hooks_.member_changed) hooks_.member_changed(e);
  if (e.member.name != self_) {
    std::lock_guard lock(mu_);
    auto it = wired_.find(e.member.name);
    const gossip::Endpoints before = it == wired_.end() ? gossip::Endpoints{} : it->second;
    const gossip::Endpoints after = is_live(e.kind) ? e.member.endpoints
                                    : e.kind == gossip::MemberEventKind::kSuspect ? before
                                                                                  : gossip::Endpoints{};
    if (before.pub != after.pub) {
      // "NAME@ENDPOINT": with security on, the reactor pins the member's trusted key.
      if (!before.pub.empty()) release_pub(e.member.name);
      if (!after.pub.empty()) acquire_pub(e.member.name, e.member.name + "@" + after.pub);
    }
    if (before.dish != after.dish) {
      if (!before.dish.empty() && hooks_.remove_dish) hooks_.remove_dish(before.dish);
      if (!after.dish.empty() && hooks_.add_dish) hooks_.add_dish(after.dish);
    }
    if (after == gossip::Endpoints{}) {
      wired_.erase(e.member.name);
    } else {
      wired_[e.member.name] = after;
    }
  }
  if (user_member_cb_) user_member_cb_(e);
}

// REQUIRES: mu_ held.
void MembershipBridge::acquire_pub(const std::string& member, const std::string& endpoint) {
  if (connected_.size() >= max_connections_) {
    if (refused_++ % 100 == 0) {
      spdlog::warn("vsm: node {}: not connecting to {} ({}): max_gossip_connections ({}) reached",
                   self_, member, endpoint, max_connections_);
    }
    waiting_[member] = endpoint;
    return;
  }
  connected_[member] = endpoint;
  hooks_.connect_pub(endpoint);
}

// REQUIRES: mu_ held. Frees the member's place and gives it to a waiting member.
void MembershipBridge::release_pub(const std::string& member) {
  if (waiting_.erase(member) != 0) return;
  auto it = connected_.find(member);
  if (it == connected_.end()) return;
  hooks_.disconnect_pub(it->second);
  connected_.erase(it);
  if (waiting_.empty()) return;
  auto next = waiting_.begin();
  connected_[next->first] = next->second;
  hooks_.connect_pub(next->second);
  waiting_.erase(next);
}

std::vector<gossip::Member> MembershipBridge::members() const { return driver_->members(); }
gossip::PartitionView MembershipBridge::partition_view() const { return driver_->partition_view(); }
gossip::GossipStats MembershipBridge::stats() const {
  gossip::GossipStats s = driver_->stats();
  std::lock_guard lock(mu_);
  s.connections_refused = refused_;
  return s;
}
std::string MembershipBridge::gossip_address() const { return driver_->gossip_address(); }

}  // namespace vsm::detail
