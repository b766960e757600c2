// The reactor thread of NodeCore: the only code that touches the data sockets after
// start(). One loop: run posted commands, send queued frames, read subscription
// messages from the XPUB and events from the SUB, then sleep in zmq_poll.
#include <spdlog/spdlog.h>

#include "core/idle_spin.hpp"
#include "core/internal_topics.hpp"
#include "core/node_core.hpp"
#include "vsm/codec.hpp"

namespace vsm::detail {
namespace {
// Bounds the work of one loop turn so commands and sends stay responsive.
constexpr int kMaxReadsPerTurn = 2048;
constexpr std::chrono::milliseconds kIdlePoll{100};
// Idle poll while publishing threads send inline (see poll_once()).
constexpr std::chrono::milliseconds kInlinePoll{2};
// Consumers waiting in next() are woken at least every this many received events.
constexpr int kWakeBatch = 256;

thread_local IdleSpin t_idle_spin;  // one reactor per thread

bool any_ready(const zmq::pollitem_t* items, int n) {
  for (int i = 0; i < n; ++i) {
    if (items[i].revents != 0) return true;
  }
  return false;
}
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
  wake_consumers();
  {
    std::lock_guard sock(socket_mu_);
    xpub_open_ = false;  // publishing threads queue from now on (and the queue is closed)
    queue_.take(frames);
    send_frames(frames);
  }
  shutdown_sockets();
}

void NodeCore::poll_once(std::vector<OutFrame>& frames) {
  zmq::pollitem_t items[] = {
      {nullptr, xpub_fd_, ZMQ_POLLIN, 0},  // not the socket: publishers may be using it
      {sub_.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, queue_.wake_fd(), ZMQ_POLLIN, 0},
  };
  if (queue_.size() == 0 && commands_.empty()) {
    // Nothing queued for us: spin a little for the publish queue or the data sockets
    // before sleeping (idle_spin.hpp says when and how long).
    IdleSpin& spin = t_idle_spin;
    const std::int64_t start = IdleSpin::now_ns();
    const std::int64_t budget = spin.budget_ns();
    bool found = false;
    std::int64_t next_poll = start + 1'000;  // the queue alone first: no system call
    for (std::int64_t now = start; now - start < budget; now = IdleSpin::now_ns()) {
      if (queue_.size() != 0) {
        found = true;
        break;
      }
      if (now >= next_poll) {
        zmq::poll(items, 2, std::chrono::milliseconds(0));
        if ((found = any_ready(items, 2))) break;
        next_poll = now + IdleSpin::kPollEveryNs;
      }
      if (!spin.relax(start, now - start)) break;
    }
    if (!found && commands_.empty() && queue_.arm_sleep()) {
      // Inline sends process the XPUB's commands too and may consume the wake-up of
      // its ZMQ_FD; while they happen, look at the socket again after a short sleep.
      const std::uint64_t inline_now = inline_sends_.load(std::memory_order_relaxed);
      const bool inline_active = inline_now != inline_seen_;
      inline_seen_ = inline_now;
      zmq::poll(items, 3, inline_active ? kInlinePoll : kIdlePoll);
      queue_.disarm_sleep();
      if (items[2].revents & ZMQ_POLLIN) queue_.clear_wake();
    }
    spin.idle_ended(IdleSpin::now_ns() - start);
  }
  commands_.run_all();
  {
    std::lock_guard sock(socket_mu_);
    queue_.take(frames);  // under socket_mu_: no inline send can overtake these
    send_frames(frames);
    read_subscriptions();
  }
  read_events();
  run_timers();
  wake_consumers();
}

void NodeCore::note_enqueued(SubscriptionState& s) {
  if (s.has_callback()) {
    dispatch_pending_ = true;
  } else if (s.mark_enqueued()) {
    wake_list_.push_back(&s);
  }
}

void NodeCore::wake_consumers() {
  for (SubscriptionState* s : wake_list_) s->wake_consumer();
  wake_list_.clear();
  if (dispatch_pending_) {
    dispatch_pending_ = false;
    dispatcher_.notify();
  }
}

void NodeCore::send_frame(OutFrame& f) {
  // XPUB never blocks: a peer at its high-water mark drops (seen as a gap there).
  xpub_.send(f.topic, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  xpub_.send(f.body, zmq::send_flags::dontwait);
  NodeCounters::add(counters_.of(f.channel).sent);
}

void NodeCore::send_frames(std::vector<OutFrame>& frames) {
  for (auto& f : frames) send_frame(f);
  frames.clear();
}

void NodeCore::read_subscriptions() {
  zmq::message_t msg;
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (!xpub_.recv(msg, zmq::recv_flags::dontwait)) return;
    const std::string_view m = msg.to_string_view();
    presence_.on_subscription_message(m);
    // A new subscriber (or new filters): announce heads now, so a late joiner starts
    // its replay without waiting for the next periodic hello.
    if (m.size() > 1 && m[0] == 1 && m.substr(1, kPresencePrefix.size()) == kPresencePrefix) {
      hello_due_ = true;
    }
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
    if (on_internal_message(topic.to_string_view(), body.to_string_view())) continue;
    // Decoded into one reused Event: its strings keep their capacity (no allocation).
    if (auto st = decode_event_into(body.to_string_view(), rx_, config_.limits); !st) {
      NodeCounters::add(counters_.decode_errors);
      spdlog::debug("vsm: node {} dropped a malformed event on '{}': {}", config_.name,
                    topic.to_string_view(), st.error().to_string());
      continue;
    }
    deliver(rx_);
    // A long turn still hands its events over in batches.
    if ((i & (kWakeBatch - 1)) == kWakeBatch - 1) wake_consumers();
  }
}

void NodeCore::deliver(const Event& event) {
  auto& ch = counters_.of(event.channel);
  NodeCounters::add(ch.received);
  clock_.merge(event.ts);
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
  if (is_duplicate(event)) return;
  if (log_ && config_.log_received) {
    if (auto off = log_->append(event); !off) {
      spdlog::warn("vsm: node {} could not log a received event: {}", config_.name,
                   off.error().to_string());
    }
  }
  dispatch(event);
}

// Every matching subscription gets a copy (assigned into a spare slot of its queue, so
// no allocation); Reliable ones hand theirs to the tracker, which orders, deduplicates
// and filters it.
void NodeCore::dispatch(const Event& event) {
  auto& ch = counters_.of(event.channel);
  for (const auto& sp : subs_) {
    SubscriptionState& s = *sp;
    if (s.sequenced(event.channel)) {
      feed_reliable(s, Event(event));
      continue;
    }
    if (!s.filter().matches(event)) continue;
    if (!s.push(event)) NodeCounters::add(ch.dropped);
    NodeCounters::add(ch.delivered);
    note_enqueued(s);
  }
}

void NodeCore::add_subscription(const std::shared_ptr<SubscriptionState>& state) {
  for (const auto& p : state->prefixes()) sub_.set(zmq::sockopt::subscribe, p);
  const auto& f = state->filter();
  if (!f.source && !state->reliable()) {  // Reliable ones count what they repair
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
  if (!f.source && !state->reliable()) {
    if (f.channel) {
      --whole_channel_subs_[channel_index(*f.channel)];
    } else {
      for (auto& n : whole_channel_subs_) --n;
    }
  }
  subs_.erase(it);
  std::erase(wake_list_, state.get());
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
