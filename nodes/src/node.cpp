#include "vsm/node.hpp"

#include "node_core.hpp"

namespace vsm {

Node::Node(NodeConfig config) : core_(std::make_shared<detail::NodeCore>(std::move(config))) {}
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() {
  if (core_) core_->stop();
}

Status Node::start() { return core_->start(); }
void Node::close() { core_->close(); }
void Node::stop() { core_->stop(); }

Result<PublishReceipt> Node::publish(Event event) { return core_->publish(std::move(event)); }

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
const NodeConfig& Node::config() const { return core_->config(); }
NodeStats Node::stats() const { return core_->stats(); }

}  // namespace vsm
