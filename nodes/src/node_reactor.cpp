// The reactor thread of NodeCore: the only code that touches the data sockets after
// start(). One loop: run posted commands, send queued frames, read subscription
// messages from the XPUB and events from the SUB, then sleep in zmq_poll.
#include <spdlog/spdlog.h>

#include "internal_topics.hpp"
#include "node_core.hpp"
#include "vsm/codec.hpp"

namespace vsm::detail {
namespace {
// Bounds the work of one loop turn so commands and sends stay responsive.
constexpr int kMaxReadsPerTurn = 2048;
constexpr std::chrono::milliseconds kIdlePoll{100};
}  // namespace

void NodeCore::run(std::stop_token stop) {
  std::vector<OutFrame> frames;
  frames.reserve(1024);
  while (!stop.stop_requested()) {
    try {
      poll_once(frames);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::error("vsm: node {} reactor: {}", config_.name, e.what());
    }
  }
  commands_.run_all(/*close=*/true);
  queue_.take(frames);
  send_frames(frames);
  shutdown_sockets();
}

void NodeCore::poll_once(std::vector<OutFrame>& frames) {
  zmq::pollitem_t items[] = {
      {xpub_.handle(), 0, ZMQ_POLLIN, 0},
      {sub_.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, queue_.wake_fd(), ZMQ_POLLIN, 0},
  };
  const bool idle = commands_.empty() && queue_.arm_sleep();
  if (idle) {
    zmq::poll(items, 3, kIdlePoll);
    queue_.disarm_sleep();
    if (items[2].revents & ZMQ_POLLIN) queue_.clear_wake();
  }
  commands_.run_all();
  queue_.take(frames);
  send_frames(frames);
  read_subscriptions();
  read_events();
  if (dispatch_pending_) {
    dispatch_pending_ = false;
    dispatcher_.notify();
  }
}

void NodeCore::send_frames(std::vector<OutFrame>& frames) {
  for (auto& f : frames) {
    // XPUB never blocks: a peer at its high-water mark drops (seen as a gap there).
    xpub_.send(f.topic, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    xpub_.send(f.body, zmq::send_flags::dontwait);
    NodeCounters::add(counters_.of(f.channel).sent);
  }
  frames.clear();
}

void NodeCore::read_subscriptions() {
  zmq::message_t msg;
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (!xpub_.recv(msg, zmq::recv_flags::dontwait)) return;
    presence_.on_subscription_message(msg.to_string_view());
  }
}

void NodeCore::read_events() {
  zmq::message_t topic;
  zmq::message_t body;
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (!sub_.recv(topic, zmq::recv_flags::dontwait)) return;
    if (!topic.more()) {
      NodeCounters::add(counters_.decode_errors);
      continue;
    }
    (void)sub_.recv(body);  // frames of one message arrive together
    while (body.more()) {  // extra frames: drain and count as malformed
      (void)sub_.recv(body);
      NodeCounters::add(counters_.decode_errors);
    }
    auto event = decode_event(body.to_string_view(), config_.limits);
    if (!event) {
      NodeCounters::add(counters_.decode_errors);
      spdlog::debug("vsm: node {} dropped a malformed event on '{}': {}", config_.name,
                    topic.to_string_view(), event.error().to_string());
      continue;
    }
    deliver(std::move(event).value());
  }
}

void NodeCore::deliver(Event&& event) {
  auto& ch = counters_.of(event.channel);
  NodeCounters::add(ch.received);
  clock_.observe(event.ts);
  if (whole_channel_subs_[channel_index(event.channel)] > 0) {
    if (auto missing = sequences_.observe(event.ts.node, event.channel, event.seq)) {
      NodeCounters::add(counters_.gap_events, missing);
      NodeCounters::add(ch.dropped, missing);
    }
  }
  // Algedonic alerts also arrive on the UDP lane (algedonic_lane.hpp); only the first
  // copy of an id reaches the subscriptions, later copies are counted as duplicates.
  if (event.channel == Channel::kAlgedonic && algedonic_ && !algedonic_->on_data_plane(event)) {
    return;
  }
  if (log_ && config_.log_received) {
    if (auto off = log_->append(event); !off) {
      spdlog::warn("vsm: node {} could not log a received event: {}", config_.name,
                   off.error().to_string());
    }
  }
  dispatch(std::move(event));
}

void NodeCore::dispatch(Event&& event) {
  auto& ch = counters_.of(event.channel);
  SubscriptionState* last_match = nullptr;
  for (const auto& s : subs_) {
    if (!s->filter().matches(event)) continue;
    if (last_match != nullptr) {
      Event copy = event;
      if (!last_match->push(std::move(copy))) NodeCounters::add(ch.dropped);
      NodeCounters::add(ch.delivered);
      dispatch_pending_ |= last_match->has_callback();
    }
    last_match = s.get();
  }
  if (last_match != nullptr) {
    if (!last_match->push(std::move(event))) NodeCounters::add(ch.dropped);
    NodeCounters::add(ch.delivered);
    dispatch_pending_ |= last_match->has_callback();
  }
}

void NodeCore::add_subscription(const std::shared_ptr<SubscriptionState>& state) {
  for (const auto& p : state->prefixes()) sub_.set(zmq::sockopt::subscribe, p);
  const auto& f = state->filter();
  if (!f.source) {
    if (f.channel) {
      ++whole_channel_subs_[channel_index(*f.channel)];
    } else {
      for (auto& n : whole_channel_subs_) ++n;
    }
  }
  subs_.push_back(state);
  if (state->has_callback()) dispatcher_.add(state);
  refresh_presence();
}

void NodeCore::remove_subscription(const std::shared_ptr<SubscriptionState>& state) {
  auto it = std::find(subs_.begin(), subs_.end(), state);
  if (it == subs_.end()) return;
  for (const auto& p : state->prefixes()) sub_.set(zmq::sockopt::unsubscribe, p);
  const auto& f = state->filter();
  if (!f.source) {
    if (f.channel) {
      --whole_channel_subs_[channel_index(*f.channel)];
    } else {
      for (auto& n : whole_channel_subs_) --n;
    }
  }
  subs_.erase(it);
  dispatcher_.remove(state.get());
}

// Re-announces readiness after the filter topics, so a publisher that sees the new
// presence topic has already received every filter topic sent before it.
void NodeCore::refresh_presence() {
  std::string next = presence_topic(instance_, ++presence_generation_);
  sub_.set(zmq::sockopt::subscribe, next);
  if (!presence_topic_.empty()) sub_.set(zmq::sockopt::unsubscribe, presence_topic_);
  presence_topic_ = std::move(next);
}

void NodeCore::shutdown_sockets() {
  try {
    sub_.close();
    xpub_.close();  // lingers up to linger_ms to flush queued frames
    ctx_.close();
  } catch (const zmq::error_t& e) {
    spdlog::warn("vsm: node {} shutdown: {}", config_.name, e.what());
  }
}

}  // namespace vsm::detail
