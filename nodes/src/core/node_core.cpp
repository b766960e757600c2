#include "core/node_core.hpp"

#include <future>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/hello.hpp"
#include "core/internal_topics.hpp"
#include "vsm/codec.hpp"
#include "vsm/ids.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

NodeCore::NodeCore(NodeConfig config)
    : config_(std::move(config)),
      instance_(new_uuid()),
      clock_(config_.name),
      flow_(config_.validate_flow),
      quotas_(config_.quotas_enabled ? std::make_unique<QuotaTable>(config_.quotas) : nullptr),
      queue_(config_.publish_queue_capacity),
      ring_(config_.replay_ring_bytes_per_channel) {}

NodeCore::~NodeCore() { stop(); }

Status NodeCore::validate_config() const {
  if (!is_valid_name(config_.name)) {
    return Error::invalid("NodeConfig.name '" + config_.name +
                          "' must be 1..255 bytes without '/' or control characters");
  }
  if (config_.pub_bind.empty()) return Error::invalid("NodeConfig.pub_bind needs an endpoint");
  if (config_.publish_queue_capacity == 0) {
    return Error::invalid("NodeConfig.publish_queue_capacity must be > 0");
  }
  return {};
}

Status NodeCore::bind_sockets() {
  try {
    xpub_ = zmq::socket_t(ctx_, zmq::socket_type::xpub);
    xpub_.set(zmq::sockopt::sndhwm, config_.send_hwm_msgs);
    xpub_.set(zmq::sockopt::xpub_verboser, 1);
    xpub_.set(zmq::sockopt::linger, config_.linger_ms);
    xpub_fd_ = xpub_.get(zmq::sockopt::fd);
    sub_ = zmq::socket_t(ctx_, zmq::socket_type::sub);
    sub_.set(zmq::sockopt::rcvhwm, config_.recv_hwm_msgs);
    sub_.set(zmq::sockopt::linger, 0);
    // Publishers' announcements (Reliable delivery, tail-loss counting). '~' sorts
    // after every channel, before the presence topics (internal_topics.hpp).
    sub_.set(zmq::sockopt::subscribe, kHelloPrefix);
  } catch (const zmq::error_t& e) {
    return Error::io(std::string("creating sockets: ") + e.what());
  }
  std::vector<std::string> resolved;
  for (const auto& ep : config_.pub_bind) {
    try {
      xpub_.bind(ep);
      resolved.push_back(xpub_.get(zmq::sockopt::last_endpoint));
    } catch (const zmq::error_t& e) {
      return Error::io("cannot bind publish endpoint '" + ep + "': " + e.what() +
                       " (is the port in use? use tcp://host:* for a free port)");
    }
  }
  {
    std::lock_guard sock(socket_mu_);
    xpub_open_ = true;
  }
  std::lock_guard lock(endpoints_mu_);
  endpoints_ = config_.pub_advertise.empty() ? resolved : config_.pub_advertise;
  return {};
}

Status NodeCore::start() {
  if (started_.exchange(true)) return Error::invalid("Node::start() called twice");
  if (auto st = validate_config(); !st) return st;
  if (auto st = open_log(); !st) return st;
  if (auto st = bind_sockets(); !st) return st;
  for (const auto& peer : config_.peers) {
    try {
      sub_.connect(peer);
      connected_.insert(peer);
    } catch (const zmq::error_t& e) {
      return Error::invalid("cannot connect to peer '" + peer + "': " + e.what());
    }
  }
  counters_.connected_publishers.store(connected_.size());
  // Everything the control server's stats and members ops read exists before its
  // thread starts answering.
  if (auto st = start_algedonic(); !st) return st;
  start_reliable();
  create_membership();
  if (auto st = start_control(); !st) return st;
  hello_control_ = control_endpoint();  // announced in hellos: where to ask for repairs
  reactor_ = std::jthread([this](std::stop_token st) { run(st); });
  if (auto st = start_membership(); !st) {
    close();
    return st;
  }
  spdlog::debug("vsm: node {} started, publishing on {}", config_.name, endpoints_.front());
  return {};
}

void NodeCore::close() {
  if (closing_.exchange(true)) return;
  queue_.close();
  presence_.release_waiters();
  if (control_) control_->request_stop();
  if (algedonic_) algedonic_->close();
  if (reactor_.joinable()) {
    reactor_.request_stop();
    queue_.wake();
  }
}

void NodeCore::stop() {
  if (membership_) membership_->stop();  // graceful leave while the sockets still work
  close();
  if (control_) control_->stop();
  if (reactor_.joinable()) reactor_.join();
  if (repairs_) repairs_->stop();  // after the reactor: its results are posted there
  for (auto& s : subs_) s->close();
  dispatcher_.stop();
  if (algedonic_) algedonic_->stop();  // after the reactor: deliver() consults it
  if (log_) {
    if (auto st = log_->close(); !st) spdlog::warn("vsm: closing log: {}", st.error().to_string());
  }
}

Result<PublishReceipt> NodeCore::publish(Event&& event) { return publish_checked(event, true); }

Result<PublishReceipt> NodeCore::publish_system(Event&& event) {
  return publish_checked(event, false);
}

Result<PublishReceipt> NodeCore::publish_checked(Event& event, bool check_flow) {
  if (!started_ || closing_) return Error::shutting_down("node is not running");
  if (event.id.empty()) event.id = new_event_id();
  if (event.source.empty()) event.source = config_.name;
  if (event.channel == Channel::kAlgedonic) event.priority = kPriorityCritical;
  if (auto st = validate_event(event); !st) return st.error();
  if (check_flow) {
    if (auto st = flow_.check(event.channel, config_.role, role_from_name(event.target)); !st) {
      return st.error();
    }
    if (auto st = admit_quota(event); !st) return st.error();
  }
  const Channel ch = event.channel;
  const int block_ms = config_.publish_block_timeout_ms;
  const auto fail = [this](const Error& e) -> Error {
    if (e.code() == ErrorCode::kQueueFull) NodeCounters::add(counters_.publish_queue_full);
    return e;
  };
  if (auto st = queue_.admit(block_ms); !st) return fail(st.error());  // before encoding
  // Encoded outside the queue lock into a per-thread buffer; seq and ts are patched in
  // under the lock, so the wire order of a channel is its seq order.
  thread_local std::string scratch;
  scratch.clear();
  auto slots = encode_event_unsequenced(event, config_.name, scratch, config_.limits);
  if (!slots) return slots.error();
  // The topic goes straight into its frame (short topics fit the message inline).
  const std::string_view ch_name = channel_name(ch);
  zmq::message_t topic(ch_name.size() + event.source.size() + event.type.size() + 2);
  char* t = topic.data<char>();
  t += ch_name.copy(t, ch_name.size());
  *t++ = '/';
  t += event.source.copy(t, event.source.size());
  *t++ = '/';
  event.type.copy(t, event.type.size());
  OutFrame frame{std::move(topic), zmq::message_t(scratch.data(), scratch.size()), ch};
  if (scratch.capacity() > (64u << 10)) std::string().swap(scratch);  // not for one big event

  std::uint64_t seq = 0;
  const auto seal = [&](OutFrame& f) -> Status {
    auto& last = last_seq_[channel_index(ch)];
    seq = last.load(std::memory_order_relaxed) + 1;
    const HlcTimestamp ts = clock_.now();
    char* body = f.body.data<char>();
    patch_sequence(body, *slots, ts.wall_ms, ts.logical, seq);
    if (log_) {
      // Logged before it is sent (the very bytes of the wire frame): what peers may ask
      // to replay is always in the log.
      if (auto off = log_->append_encoded(std::string_view(body, f.body.size())); !off) {
        return off.error();
      }
    }
    ring_.append(ch, seq, std::string_view(body, f.body.size()));
    last.store(seq, std::memory_order_relaxed);
    return {};
  };
  bool sent = false;  // inline, on this thread
  if (config_.publish_inline) {
    auto inline_sent = try_send_inline(frame, seal);
    if (!inline_sent) return fail(inline_sent.error());
    sent = *inline_sent;
  }
  if (!sent) {
    if (Status st = queue_.push(std::move(frame), block_ms, seal); !st) return fail(st.error());
  }
  NodeCounters::add(counters_.of(ch).published);
  return PublishReceipt{std::move(event.id), seq};
}

Status NodeCore::admit_quota(const Event& event) {
  if (!quotas_) return {};
  auto delay_ms = quotas_->admit(event.channel, event.source, monotonic_ms());
  if (!delay_ms) return std::move(delay_ms).error();
  if (*delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(*delay_ms));
  return {};
}

Status NodeCore::call_on_reactor(std::function<Status()> fn) {
  if (!started_ || closing_) return Error::shutting_down("node is not running");
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  bool posted = commands_.post([this, promise, fn = std::move(fn)] {
    promise->set_value(closing_ ? Status(Error::shutting_down("node is closing")) : fn());
  });
  if (!posted) return Error::shutting_down("node is closing");
  queue_.wake();
  return future.get();
}

Result<Subscription> NodeCore::subscribe(Filter filter, EventCallback callback,
                                         SubscribeOptions options) {
  if (options.queue_capacity == 0) return Error::invalid("queue_capacity must be > 0");
  if (options.start_seq != 0 && options.start_time_ms != 0) {
    return Error::invalid("SubscribeOptions: give start_seq or start_time_ms, not both");
  }
  if ((options.start_seq != 0 || options.start_time_ms != 0) &&
      options.mode != DeliveryMode::kReliable) {
    return Error::invalid("SubscribeOptions: start_seq/start_time_ms need DeliveryMode::kReliable");
  }
  if (options.repair_attempts < 1 || options.repair_timeout_ms < 1) {
    return Error::invalid("SubscribeOptions: repair_attempts and repair_timeout_ms must be >= 1");
  }
  auto state = std::make_shared<SubscriptionState>(std::move(filter), std::move(callback), options);
  if (state->reliable()) {
    // A consumer that empties a full Reliable queue wakes the reactor to resume it.
    state->set_room_waker([weak = weak_from_this()] {
      if (auto core = weak.lock()) core->queue_.wake();
    });
  }
  auto st = call_on_reactor([&]() -> Status {
    add_subscription(state);
    return {};
  });
  if (!st) return st.error();
  return Subscription(state, weak_from_this());
}

void NodeCore::unsubscribe(const std::shared_ptr<SubscriptionState>& state) {
  if (closing_) return;
  if (commands_.post([this, state] { remove_subscription(state); })) queue_.wake();
}

Status NodeCore::connect(const std::string& endpoint) {
  return call_on_reactor([&]() -> Status {
    if (connected_.count(endpoint)) return {};
    try {
      sub_.connect(endpoint);
    } catch (const zmq::error_t& e) {
      return Error::invalid("cannot connect to '" + endpoint + "': " + e.what());
    }
    connected_.insert(endpoint);
    counters_.connected_publishers.store(connected_.size());
    return {};
  });
}

Status NodeCore::disconnect(const std::string& endpoint) {
  return call_on_reactor([&]() -> Status {
    if (!connected_.erase(endpoint)) return Error::not_found("not connected to '" + endpoint + "'");
    try {
      sub_.disconnect(endpoint);
    } catch (const zmq::error_t& e) {
      return Error::io("cannot disconnect from '" + endpoint + "': " + e.what());
    }
    counters_.connected_publishers.store(connected_.size());
    return {};
  });
}

bool NodeCore::wait_for_subscribers(std::size_t n, std::chrono::milliseconds timeout) const {
  return presence_.wait_for(n, timeout);
}

std::vector<std::string> NodeCore::endpoints() const {
  std::lock_guard lock(endpoints_mu_);
  return endpoints_;
}

NodeStats NodeCore::stats() const {
  NodeStats s;
  for (Channel c : kAllChannels) {
    const auto& in = counters_.channels[channel_index(c)];
    auto& out = s.channels[channel_index(c)];
    out.published = in.published.load();
    out.sent = in.sent.load();
    out.received = in.received.load();
    out.delivered = in.delivered.load();
    out.dropped = in.dropped.load();
    out.blocked = flow_.blocked(c);
    out.routed = flow_.routed(c);
    if (quotas_) {
      out.quota_delayed = quotas_->delayed(c);
      out.quota_rejected = quotas_->rejected(c);
      out.variety_pressure = quotas_->pressure(c, monotonic_ms());
    }
  }
  s.publish_queue_depth = queue_.size();
  s.publish_queue_full = counters_.publish_queue_full.load();
  s.decode_errors = counters_.decode_errors.load();
  s.gap_events = counters_.gap_events.load();
  s.subscribers = presence_.ready();
  s.connected_publishers = counters_.connected_publishers.load();
  if (algedonic_) s.algedonic = algedonic_->stats();
  s.hellos_received = counters_.hellos_received.load();
  s.repairs_requested = counters_.repairs_requested.load();
  s.repairs_failed = counters_.repairs_failed.load();
  s.repaired_events = counters_.repaired_events.load();
  s.dead_letters = counters_.dead_letters.load();
  s.duplicates = counters_.duplicates.load();
  if (repairs_) s.repair_breakers = repairs_->breaker_states();
  return s;
}

}  // namespace vsm::detail
