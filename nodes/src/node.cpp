#include "vsm/node.hpp"

#include <thread>

#include "core/node_core.hpp"

namespace vsm {

Node::Node(NodeConfig config) : core_(std::make_shared<detail::NodeCore>(std::move(config))) {}
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() {
  if (!core_) return;
  if (core_->in_own_callback()) {
    // Destroyed from one of its own callbacks: that thread cannot join itself, so a
    // helper thread completes the shutdown once the callback has returned.
    std::thread([core = std::move(core_)] { core->stop(); }).detach();
    return;
  }
  core_->stop();
}

Status Node::start() { return core_->start(); }
void Node::close() { core_->close(); }
void Node::stop() { core_->stop(); }

Result<PublishReceipt> Node::publish(Event event) { return core_->publish(event); }
Result<PublishReceipt> Node::publish_from(Event& event) { return core_->publish(event); }

Result<Subscription> Node::subscribe(Filter filter, SubscribeOptions options) {
  return core_->subscribe(std::move(filter), nullptr, options);
}

Result<Subscription> Node::subscribe(Filter filter, EventCallback callback,
                                     SubscribeOptions options) {
  if (!callback) return Error::invalid("subscribe(): callback is empty; use the pull overload");
  return core_->subscribe(std::move(filter), std::move(callback), options);
}

Status Node::connect(const std::string& endpoint) { return core_->connect(endpoint); }
Status Node::disconnect(const std::string& endpoint) { return core_->disconnect(endpoint); }

bool Node::wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) {
  return core_->wait_for_subscribers(n, timeout);
}

std::vector<std::string> Node::endpoints() const { return core_->endpoints(); }

Result<AlgedonicReceipt> Node::publish_algedonic(Severity severity, Signal signal,
                                                 std::string description,
                                                 const std::map<std::string, double>& metrics) {
  return core_->publish_algedonic(severity, signal, std::move(description), metrics);
}

std::uint64_t Node::on_algedonic(AlgedonicCallback callback) {
  return core_->add_algedonic_callback(std::move(callback));
}

void Node::remove_algedonic_callback(std::uint64_t token) {
  if (auto* lane = core_->algedonic()) lane->remove_callback(token);
}

Status Node::add_algedonic_peer(const std::string& endpoint) {
  auto* lane = core_->algedonic();
  return lane != nullptr ? lane->add_peer(endpoint) : Error::shutting_down("node is not running");
}

Status Node::remove_algedonic_peer(const std::string& endpoint) {
  auto* lane = core_->algedonic();
  return lane != nullptr ? lane->remove_peer(endpoint) : Error::shutting_down("node is not running");
}

std::vector<std::string> Node::algedonic_peers() const {
  auto* lane = core_->algedonic();
  return lane != nullptr ? lane->peers() : std::vector<std::string>{};
}

std::string Node::dish_endpoint() const {
  auto* lane = core_->algedonic();
  return lane != nullptr ? lane->dish_endpoint() : std::string();
}
std::string Node::control_endpoint() const { return core_->control_endpoint(); }

std::vector<gossip::Member> Node::members() const {
  auto* m = core_->membership();
  return m ? m->members() : std::vector<gossip::Member>{};
}
gossip::PartitionView Node::partition_view() const {
  auto* m = core_->membership();
  return m ? m->partition_view() : gossip::PartitionView{};
}
void Node::on_member_event(std::function<void(const gossip::MemberEvent&)> callback) {
  core_->set_member_callback(std::move(callback));
}
void Node::on_partition_event(std::function<void(const gossip::PartitionEvent&)> callback) {
  core_->set_partition_callback(std::move(callback));
}
std::string Node::gossip_address() const {
  auto* m = core_->membership();
  return m ? m->gossip_address() : std::string();
}
const NodeConfig& Node::config() const { return core_->config(); }
NodeStats Node::stats() const { return core_->stats(); }

std::uint64_t Node::on_telemetry(TelemetryCallback callback, TelemetryOrigin origin) {
  return core_->add_telemetry_callback(std::move(callback), origin);
}
void Node::remove_telemetry_callback(std::uint64_t token) {
  core_->remove_telemetry_callback(token);
}
std::vector<TelemetryEvent> Node::recent_telemetry() const { return core_->recent_telemetry(); }
HealthReport Node::health() const { return core_->stats().health; }
std::string Node::metrics_endpoint() const { return core_->metrics_endpoint(); }

}  // namespace vsm
