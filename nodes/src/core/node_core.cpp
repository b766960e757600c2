#include "core/node_core.hpp"

#include <spdlog/spdlog.h>

#include "algedonic/algedonic_event.hpp"
#include "metrics/node_metrics.hpp"
#include "telemetry/health.hpp"
#include "telemetry/telemetry_format.hpp"
#include "security/gossip_keys.hpp"
#include "membership/gossip_node_stats.hpp"
#include "variety/compressor.hpp"
#include "vsm/ids.hpp"

namespace vsm::detail {

NodeCore::NodeCore(NodeConfig config)
    : config_(std::move(config)),
      instance_(new_uuid()),
      clock_(config_.name),
      telemetry_(config_),
      security_(config_, counters_),
      log_(config_),
      chaos_(config_.chaos),
      degraded_(config_),
      publish_(config_, clock_, counters_, ctx_, log_, security_, degraded_),
      subscriptions_(instance_, dispatcher_),
      reactor_(config_, ctx_, counters_, security_),
      reliable_(
          config_, instance_, counters_, subscriptions_,
          [this](std::function<void()> cmd) { return reactor_.post(std::move(cmd)); },
          [this](std::string_view frame) { return reactor_.send_upstream(frame); }),
      bargain_(config_, publish_.quotas()),
      receive_(config_, counters_, clock_, subscriptions_, reliable_, log_, security_,
               ReceivePath::Variety{chaos_, degraded_, bargain_}),
      // Alerts first seen on the lane reach ordinary subscriptions through the reactor,
      // which owns them; the lane never waits for it.
      algedonic_(config_, clock_, publish_,
                 [this](Event&& event) {
                   auto shared = std::make_shared<Event>(std::move(event));
                   reactor_.post([this, shared] { receive_.dispatch(*shared); });
                 },
                 &chaos_),
      membership_(config_, reactor_, publish_, algedonic_, telemetry_, degraded_, chaos_),
      control_(config_, ctx_, security_) {
  // spdlog creates its registry on first use, inside its shared library, where the
  // thread sanitizer cannot see the synchronisation: create it before any node thread.
  (void)spdlog::default_logger_raw();
}

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
  if (config_.repair_max_lanes == 0) return Error::invalid("NodeConfig.repair_max_lanes must be > 0");
  if (config_.security.enabled()) {
    // inproc:// has no security mechanism: anything in the process could bypass CURVE.
    auto eps = config_.pub_bind;
    eps.push_back(config_.control_bind);
    for (const auto& ep : eps) {
      if (ep.starts_with("inproc://")) {
        return Error::invalid("security is on: '" + ep +
                              "' cannot be secured (use tcp:// or ipc://)");
      }
    }
  }
  if (config_.max_tracked_publishers == 0) {
    return Error::invalid("NodeConfig.max_tracked_publishers must be > 0");
  }
  if (config_.control_max_client_replies == 0 || config_.control_max_client_reply_bytes == 0 ||
      config_.control_max_reply_bytes == 0) {
    return Error::invalid("NodeConfig.control_max_client_replies, control_max_client_reply_bytes "
                          "and control_max_reply_bytes must be > 0");
  }
  if (auto st = Compressor::validate(config_.compression); !st) return st;
  return {};
}

// vsm_health partitions count unresolved critical pain: every alert this node receives
// (once per id) or raises itself goes to the partition detector.
void NodeCore::feed_partition_detector() {
  auto* lane = algedonic_.lane();
  if (lane == nullptr || membership_.bridge() == nullptr) return;
  (void)lane->add_callback([this](const AlgedonicAlert& a) {
    membership_.bridge()->note_algedonic(a.event.source, a.signal == Signal::kPain,
                                         a.severity >= Severity::kCritical);
  });
}

// Order: everything the control server's stats, members and query ops read exists
// before its thread answers; the reactor runs before gossip starts (gossip hooks post
// to it); the sender starts once the control endpoint it announces is known.
Status NodeCore::start() {
  if (started_.exchange(true)) return Error::invalid("Node::start() called twice");
  if (auto st = validate_config(); !st) return st;
  if (auto st = security_.open(ctx_); !st) return st;  // ZAP before any CURVE server binds
  if (auto st = log_.open(); !st) return st;
  if (auto st = publish_.open(); !st) return st;
  if (auto st = reactor_.open(); !st) return st;
  subscriptions_.attach([this](std::string_view p, bool on) { reactor_.set_topic(p, on); });
  algedonic_.set_raise_hook([this](const AlgedonicReceipt& r, Severity severity, Signal signal,
                                   const Event& alert) {
    auto parsed = parse_algedonic_event(alert, AlgedonicPath::kLane);
    const std::string description = parsed ? parsed->description : std::string();
    telemetry_.track_alert(r, severity, signal, description);
    telemetry_.note_alert({r.id.to_string(), alert.ts.wall_ms, alert.source, severity, signal,
                           description, true});
  });
  for (const auto& p : bargain_.topic_prefixes()) reactor_.set_topic(p, true);  // rate limits
  for (const auto& p : Reconciler::topic_prefixes(config_)) reactor_.set_topic(p, true);  // heals
  if (auto st = algedonic_.start(); !st) return st;
  receive_.set_algedonic_filter([this](const Event& e) { return algedonic_.first_copy(e); });
  receive_.set_telemetry_sink([this](std::string_view f) { telemetry_.on_remote_frame(f); });
  if (security_.enabled()) {
    reliable_.set_admit([this](const Event& e, std::string_view publisher) {
      return receive_.admit_repaired(e, publisher);
    });
    reliable_.start(make_control_repair_transport(
        [this](const std::string& ep) { return security_.control_keys(ep); }));
  } else {
    reliable_.start();
  }
  if (auto ring = gossip_keyring(config_); !ring) {
    return ring.error();
  } else if (*ring) {
    config_.gossip.keyring = *ring;  // before the membership reads the config
  }
  if (auto st = membership_.create(); !st) return st;
  feed_partition_detector();
  ControlSources sources;
  sources.instance = instance_;
  sources.stats = [this] { return stats(); };
  sources.publish = &publish_;
  sources.log = &log_;
  sources.membership = &membership_;
  sources.reliable = &reliable_;
  sources.telemetry = &telemetry_;
  sources.chaos = &chaos_;
  if (auto st = control_.start(std::move(sources)); !st) return st;
  if (auto st = start_metrics(); !st) return st;
  Hello hello;
  hello.name = config_.name;
  hello.control = control_.endpoint();
  hello.instance = instance_;
  spdlog::debug("vsm: node {} is instance {}", config_.name, instance_);
  publish_.start(std::move(hello));
  reactor_.start(receive_);
  start_telemetry();
  gossip::Endpoints local;
  if (const auto eps = endpoints(); !eps.empty()) local.pub = eps.front();
  local.control = control_.endpoint();
  if (auto* lane = algedonic_.lane()) local.dish = lane->dish_endpoint();
  if (auto st = membership_.start(local); !st) {
    close();
    return st;
  }
  spdlog::debug("vsm: node {} started, publishing on {}", config_.name,
                endpoints().empty() ? "-" : endpoints().front());
  return {};
}

void NodeCore::close() {
  if (closing_.exchange(true)) return;
  telemetry_.close();
  publish_.close();
  control_.request_stop();
  algedonic_.close();
  reactor_.close();
}

// Joins in dependency order; every step is idempotent, so a stop() from a callback
// (which cannot join its own thread) is completed by a later stop() or the destructor.
void NodeCore::stop() {
  membership_.stop();  // graceful leave while the sockets still work
  metrics_.stop();     // its handler reads every component
  close();
  telemetry_.stop();   // before the XPUB closes and the log it samples
  control_.stop();
  reactor_.stop();
  publish_.stop();   // commits what is queued, then closes the XPUB
  reliable_.stop();  // after the reactor: repair answers are posted there
  if (!reactor_.on_reactor_thread()) subscriptions_.close_all();
  dispatcher_.stop();
  algedonic_.stop();  // after the reactor: the receive path consults it
  security_.stop();   // after every CURVE server socket closed
  if (auto st = log_.close(); !st) {
    spdlog::warn("vsm: node {} closing log: {}", config_.name, st.error().to_string());
  }
}

bool NodeCore::in_own_callback() const noexcept { return CallbackScope::inside(this); }

Result<PublishReceipt> NodeCore::publish(Event& event) {
  if (!started_ || closing_) return Error::shutting_down("node is not running");
  return publish_.publish_in_place(event);
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
  if (callback) callback = scoped(std::move(callback));
  auto state = std::make_shared<SubscriptionState>(std::move(filter), std::move(callback), options,
                                                   config_.max_tracked_publishers);
  if (state->reliable()) {
    // A consumer that empties a full Reliable queue wakes the reactor to resume it.
    state->set_room_waker([weak = weak_from_this()] {
      if (auto core = weak.lock()) core->reactor_.wake();
    });
  }
  auto st = reactor_.call([&]() -> Status {
    subscriptions_.add(state);
    return {};
  });
  if (!st) return st.error();
  return Subscription(state, weak_from_this());
}

void NodeCore::unsubscribe(const std::shared_ptr<SubscriptionState>& state) {
  if (closing_) return;
  reactor_.post([this, state] { subscriptions_.remove(state); });
}

Status NodeCore::connect(const std::string& endpoint) {
  if (!started_) return Error::shutting_down("node is not running");
  return reactor_.call([&] { return reactor_.connect(endpoint); });
}

Status NodeCore::disconnect(const std::string& endpoint) {
  if (!started_) return Error::shutting_down("node is not running");
  return reactor_.call([&] { return reactor_.disconnect(endpoint); });
}

void NodeCore::set_member_callback(std::function<void(const gossip::MemberEvent&)> cb) {
  if (cb) membership_.on_member_event(scoped(std::move(cb)));
}

void NodeCore::set_partition_callback(std::function<void(const gossip::PartitionEvent&)> cb) {
  if (cb) membership_.on_partition_event(scoped(std::move(cb)));
}

Result<AlgedonicReceipt> NodeCore::publish_algedonic(Severity severity, Signal signal,
                                                     std::string description,
                                                     const std::map<std::string, double>& metrics) {
  if (!started_ || closing_) return Error::shutting_down("node is not running");
  auto receipt = algedonic_.raise(severity, signal, std::move(description), metrics);
  if (receipt && membership_.bridge() != nullptr) {
    membership_.bridge()->note_algedonic(config_.name, signal == Signal::kPain,
                                         severity >= Severity::kCritical);
  }
  return receipt;
}

std::uint64_t NodeCore::add_algedonic_callback(AlgedonicCallback callback) {
  auto* lane = algedonic_.lane();
  return lane != nullptr && callback ? lane->add_callback(scoped(std::move(callback))) : 0;
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
  }
  publish_.fill_stats(s);
  s.publish_queue_full = counters_.publish_queue_full.load();
  s.decode_errors = counters_.decode_errors.load();
  s.gap_events = counters_.gap_events.load();
  s.connected_publishers = counters_.connected_publishers.load();
  if (auto* lane = algedonic_.lane()) s.algedonic = lane->stats();
  s.hellos_received = counters_.hellos_received.load();
  s.repairs_requested = counters_.repairs_requested.load();
  s.repairs_failed = counters_.repairs_failed.load();
  s.repaired_events = counters_.repaired_events.load();
  s.dead_letters = counters_.dead_letters.load();
  s.duplicates = counters_.duplicates.load();
  s.repair_breakers = reliable_.breaker_states();
  s.reliable_backpressure = counters_.reliable_backpressure.load();
  s.acks_sent = counters_.acks_sent.load();
  s.batches_sent = counters_.batches_sent.load();
  security_.fill_stats(s.security);
  s.log_enabled = log_.enabled();
  s.log = log_.stats();
  s.unlogged = counters_.unlogged.load();
  s.log_received_failures = log_.receive_failures();
  s.tracked_publishers = counters_.tracked_publishers.load();
  s.hello_publishers = counters_.hello_publishers.load();
  s.reliable_publishers = counters_.reliable_publishers.load();
  s.publishers_evicted = counters_.publishers_evicted.load();
  control_.fill_stats(s);
  const auto rates = telemetry_.rates();
  for (Channel c : kAllChannels) {
    auto& out = s.channels[channel_index(c)];
    out.latency = counters_.channels[channel_index(c)].latency.snapshot();
    out.published_per_s = rates[channel_index(c)].published_per_s;
    out.delivered_per_s = rates[channel_index(c)].delivered_per_s;
    out.dropped_per_s = rates[channel_index(c)].dropped_per_s;
  }
  s.telemetry = telemetry_.stats();
  s.health = evaluate_health_now(s);
  degraded_.fill_stats(s.variety);
  receive_.fill_stats(s.variety);  // reconciliation
  bargain_.fill_stats(s.variety);
  chaos_.fill_stats(s.variety);
  fill_gossip_stats(membership_.bridge(), s.gossip);
  return s;
}

HealthReport NodeCore::evaluate_health_now(const NodeStats& s) const {
  HealthInputs in;
  in.running = started_ && !closing_;
  if (auto* bridge = membership_.bridge()) {
    in.gossip = true;
    in.partition = bridge->partition_view();
  }
  in.log_enabled = s.log_enabled;
  in.log = s.log;
  in.breakers = s.repair_breakers;
  in.queue_depth = s.publish_queue_depth;
  in.queue_capacity = config_.publish_queue_capacity;
  for (Channel c : kAllChannels) in.pressure[channel_index(c)] = s.of(c).variety_pressure;
  in.unconfirmed_alerts = telemetry_.recent_unconfirmed();
  return evaluate_health(in, config_);
}

std::uint64_t NodeCore::add_telemetry_callback(TelemetryCallback callback,
                                               TelemetryOrigin origin) {
  return callback ? telemetry_.add_callback(scoped(std::move(callback)), origin) : 0;
}

// Received alerts are kept for `vsmcat status` (the lane runs this once per alert id).
void NodeCore::start_telemetry() {
  if (auto* lane = algedonic_.lane()) {
    lane->add_callback([this](const AlgedonicAlert& a) {
      telemetry_.note_alert({a.event.id.to_string(), a.event.ts.wall_ms, a.event.source,
                             a.severity, a.signal, a.description, false});
    });
  }
  TelemetryWiring w;
  w.publish = [this](std::string_view topic, std::string_view body) {
    return publish_.send_internal(topic, body);
  };
  w.stats = [this] { return stats(); };
  w.subscribe_remote = [this](bool on) {
    reactor_.post([this, on] { reactor_.set_topic(telemetry_format::kTopicPrefix, on); });
  };
  telemetry_.start(std::move(w));
}

Status NodeCore::start_metrics() {
  if (config_.metrics_bind.empty()) return {};
  return metrics_.start(config_.metrics_bind, [this] { return render_metrics(); });
}

std::string NodeCore::render_metrics() const {
  MetricsSnapshot m;
  m.node = config_.name;
  m.role = config_.role;
  m.version = VSM_PROJECT_VERSION;
  m.stats = stats();
  if (auto* bridge = membership_.bridge()) {
    m.gossip = true;
    m.members = bridge->members();
    m.partition = bridge->partition_view();
  }
  return render_node_metrics(m);
}

}  // namespace vsm::detail
