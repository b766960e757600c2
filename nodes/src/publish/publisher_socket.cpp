#include "publish/publisher_socket.hpp"

#include <spdlog/spdlog.h>

#include "core/internal_topics.hpp"
#include "vsm/frame_format.hpp"

namespace vsm::detail {

Status PublisherSocket::bind() {
  std::lock_guard lock(mu_);
  std::vector<std::string> resolved;
  try {
    socket_ = zmq::socket_t(ctx_, zmq::socket_type::xpub);
    socket_.set(zmq::sockopt::sndhwm, config_.send_hwm_msgs);
    socket_.set(zmq::sockopt::xpub_verboser, 1);
    // What subscribers send back is small (subscriptions, acks): refuse big messages.
    socket_.set(zmq::sockopt::maxmsgsize, kMaxUpstreamBytes);
    socket_.set(zmq::sockopt::linger, config_.linger_ms);
    // Security on: a CURVE server; only trusted subscriber keys get past ZAP.
    security_.make_server(socket_, kZapDomainData);
    fd_ = socket_.get(zmq::sockopt::fd);
  } catch (const zmq::error_t& e) {
    return Error::io(std::string("creating the publish socket: ") + e.what());
  }
  for (const auto& ep : config_.pub_bind) {
    try {
      socket_.bind(ep);
      resolved.push_back(socket_.get(zmq::sockopt::last_endpoint));
    } catch (const zmq::error_t& e) {
      return Error::io("cannot bind publish endpoint '" + ep + "': " + e.what() +
                       " (is the port in use? use tcp://host:* for a free port)");
    }
  }
  open_ = true;
  endpoints_ = config_.pub_advertise.empty() ? resolved : config_.pub_advertise;
  return {};
}

std::vector<std::string> PublisherSocket::endpoints() const {
  std::lock_guard lock(mu_);
  return endpoints_;
}

void PublisherSocket::send_one(OutFrame& f) {
  (void)socket_.send(zmq::buffer(f.frame), zmq::send_flags::dontwait);
  NodeCounters::add(counters_.of(f.channel).sent);
}

// Runs of consecutive frames of one topic become batch frames; a run of one, or a frame
// too large for a batch, goes out as it is (no copy).
void PublisherSocket::send_locked(std::span<OutFrame> frames) {
  std::size_t i = 0;
  while (i < frames.size()) {
    batch_.clear();
    std::size_t j = i;
    while (j < frames.size() && batch_.add(frames[j].bytes()) == BatchBuilder::Add::kAdded) ++j;
    if (j - i <= 1) {
      send_one(frames[i]);
      ++i;
      continue;
    }
    const std::string_view batch = batch_.finish();
    (void)socket_.send(zmq::buffer(batch), zmq::send_flags::dontwait);
    for (; i < j; ++i) NodeCounters::add(counters_.of(frames[i].channel).sent);
    NodeCounters::add(counters_.batches_sent);
  }
}

bool PublisherSocket::send(std::span<OutFrame> frames) {
  std::lock_guard lock(mu_);
  if (!open_) return false;
  if (frames.size() == 1) {
    send_one(frames.front());
  } else {
    send_locked(frames);
  }
  return true;
}

bool PublisherSocket::send_internal(std::string_view topic, std::string_view body) {
  std::lock_guard lock(mu_);
  if (!open_) return false;
  internal_.assign(topic);
  internal_.push_back(frame_format::kSeparator);
  internal_.append(body);
  (void)socket_.send(zmq::buffer(internal_), zmq::send_flags::dontwait);
  return true;
}

bool PublisherSocket::read_incoming(XpubListener& listener) {
  bool new_subscriber = false;
  zmq::message_t msg;
  std::unique_lock lock(mu_);
  if (!open_) return false;
  // Upstream frames are handled after the socket is released (they may take other
  // locks); a few are kept, the rest of a burst waits for the next call.
  for (int i = 0; i < kMaxReadsPerCall && pending_upstream_.size() < kMaxUpstreamPerCall; ++i) {
    if (!socket_.recv(msg, zmq::recv_flags::dontwait)) break;
    const std::string_view m = msg.to_string_view();
    if (m.empty() || (m[0] != 0 && m[0] != 1)) {
      pending_upstream_.emplace_back(m);
      continue;
    }
    std::string_view instance;
    switch (presence_.on_subscription_message(m, &instance)) {
      case PresenceTracker::Change::kReady:
        spdlog::debug("vsm: node {}: subscriber instance {} ready", config_.name, instance);
        new_subscriber = true;
        break;
      case PresenceTracker::Change::kGone:
        spdlog::debug("vsm: node {}: subscriber instance {} gone", config_.name, instance);
        gone_.emplace_back(instance);
        break;
      case PresenceTracker::Change::kNone: break;
    }
  }
  lock.unlock();
  for (const auto& g : gone_) listener.on_subscriber_gone(g);
  for (const auto& u : pending_upstream_) listener.on_upstream(u);
  gone_.clear();
  pending_upstream_.clear();
  return new_subscriber;
}

void PublisherSocket::close() {
  std::lock_guard lock(mu_);
  if (!open_) return;
  open_ = false;
  try {
    socket_.close();  // lingers up to linger_ms to flush queued frames
  } catch (const zmq::error_t& e) {
    spdlog::warn("vsm: node {} closing the publish socket: {}", config_.name, e.what());
  }
}

}  // namespace vsm::detail
