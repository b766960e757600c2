#include "delivery/reliable_delivery.hpp"

#include <spdlog/spdlog.h>

#include "core/ack.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

ReliableDelivery::ReliableDelivery(const NodeConfig& config, std::string instance,
                                   NodeCounters& counters, Subscriptions& subs,
                                   std::function<bool(std::function<void()>)> post,
                                   std::function<bool(std::string_view)> send_upstream)
    : config_(config),
      counters_(counters),
      subs_(subs),
      instance_(std::move(instance)),
      post_(std::move(post)),
      send_upstream_(std::move(send_upstream)),
      publishers_(config.max_tracked_publishers) {}

void ReliableDelivery::start(std::unique_ptr<RepairTransport> transport) {
  RepairWorkerConfig rc;
  rc.breaker.failure_threshold = config_.repair_failure_threshold;
  rc.breaker.recovery_timeout_ms = config_.repair_recovery_ms;
  rc.max_lanes = config_.repair_max_lanes;
  rc.lane_idle_ms = config_.repair_lane_idle_ms;
  repairs_ = std::make_unique<RepairWorker>(
      [this](const RepairRequest& req, Result<ReplayBatch> result) {
        on_repair_done(req, std::move(result));
      },
      rc, transport ? std::move(transport) : make_control_repair_transport());
}

void ReliableDelivery::stop() {
  if (repairs_) repairs_->stop();
}

void ReliableDelivery::feed(SubscriptionState& s, const Event& event) {
  ReliableTracker& tracker = *s.tracker();
  if (!tracker.take_in_order(event)) {
    tracker.on_live(Event(event), out_);
    apply(s, out_);
    return;
  }
  if (!s.filter().matches(event)) return;
  if (!s.offer(event)) {
    resume_due_ = true;
    tracker.on_refused(Event(event));  // pauses the stream, holds the event
    return;
  }
  NodeCounters::add(counters_.of(event.channel).delivered);
  note_delivered(approx_wire_bytes(event));
  subs_.note_enqueued(s);
}

// About what an event took on the wire (its frame without the optional fields).
std::size_t ReliableDelivery::approx_wire_bytes(const Event& e) {
  constexpr std::size_t kEnvelopeBytes = 48;  // separator, id, ts, seq, channel, map heads
  return kEnvelopeBytes + e.payload.bytes().size() + e.source.size() + e.type.size();
}

// Acknowledgements are due after reliable_ack_every_events events or
// reliable_ack_every_bytes bytes, whichever comes first: a publisher without a log keeps
// unacknowledged events in a ring bounded in bytes, so with large events a count alone
// would let the ring fill long before an acknowledgement is due, and stall the publisher.
void ReliableDelivery::note_delivered(std::size_t bytes) {
  ++delivered_since_ack_;
  bytes_since_ack_ += bytes;
}

void ReliableDelivery::apply(SubscriptionState& s, TrackerOutput& out) {
  ReliableTracker& tracker = *s.tracker();
  for (auto& r : out.repairs) {
    r.subscription = s.id();
    spdlog::debug("vsm: node {} repair request {} {}..{} attempt {} time {}", config_.name,
                  r.publisher, r.from, r.to, r.attempt, r.start_time_ms);
    NodeCounters::add(counters_.repairs_requested);
    repairs_->submit(std::move(r), std::chrono::milliseconds(s.options().repair_timeout_ms));
  }
  if (!out.dead.empty()) {
    for (const auto& d : out.dead) {
      spdlog::warn("vsm: node {} gave up {} seq {}..{} on {}: {}", config_.name, d.publisher,
                   d.from_seq, d.to_seq, channel_name(d.channel), d.reason);
    }
    NodeCounters::add(counters_.dead_letters, out.dead.size());
    s.add_dead_letters(std::move(out.dead));
  }
  bool refused = false;
  for (auto& e : out.deliver) {
    if (refused) {
      tracker.on_refused(std::move(e));
      continue;
    }
    if (!s.filter().matches(e)) continue;
    const Channel ch = e.channel;
    const std::size_t bytes = approx_wire_bytes(e);
    if (!s.offer(std::move(e))) {  // moved from only when accepted
      spdlog::debug("vsm: node {} queue full at seq {}: pausing", config_.name, e.seq);
      refused = true;
      resume_due_ = true;
      tracker.on_refused(std::move(e));
      continue;
    }
    NodeCounters::add(counters_.of(ch).delivered);
    note_delivered(bytes);
    subs_.note_enqueued(s);
  }
  NodeCounters::add(counters_.duplicates, tracker.take_duplicates());
  NodeCounters::add(counters_.publishers_evicted, tracker.take_evictions());
  out.deliver.clear();
  out.repairs.clear();
  out.dead.clear();
}

void ReliableDelivery::on_repair_done(const RepairRequest& req, Result<ReplayBatch> result) {
  auto shared = std::make_shared<std::pair<RepairRequest, Result<ReplayBatch>>>(
      req, std::move(result));
  post_([this, shared] { finish_repair(shared->first, shared->second); });
}

void ReliableDelivery::fetch(RepairRequest req, std::chrono::milliseconds timeout) {
  req.reconcile = true;  // the answer goes to the fetch sink
  if (repairs_) repairs_->submit(std::move(req), timeout);
}

void ReliableDelivery::finish_repair(const RepairRequest& req, Result<ReplayBatch>& result) {
  if (req.reconcile) {
    if (result && admit_) {
      std::erase_if(result->events, [&](const Event& e) { return !admit_(e, req.publisher); });
    }
    if (fetch_sink_) fetch_sink_(req, result);
    return;
  }
  SubscriptionState* sp = subs_.find(req.subscription);
  if (sp == nullptr) return;  // unsubscribed meanwhile
  SubscriptionState& s = *sp;
  spdlog::debug("vsm: node {} repair answer {}..{}: {} events, oldest {}", config_.name, req.from,
                req.to, result ? result->events.size() : 0, result ? result->oldest : 0);
  if (result && req.start_time_ms != 0) {
    const std::uint64_t first = result->events.empty() ? 0 : result->events.front().seq;
    s.tracker()->on_resolved(req, first, out_);
  } else if (result) {
    if (admit_) {
      std::erase_if(result->events, [&](const Event& e) { return !admit_(e, req.publisher); });
    }
    NodeCounters::add(counters_.repaired_events, result->events.size());
    NodeCounters::add(counters_.decode_errors, result->decode_errors);
    s.tracker()->on_repaired(req, std::move(result->events), result->oldest, out_);
  } else {
    NodeCounters::add(counters_.repairs_failed);
    spdlog::debug("vsm: node {} repair of {} seq {}..{} failed: {}", config_.name, req.publisher,
                  req.from, req.to, result.error().to_string());
    s.tracker()->on_repair_failed(req, result.error().to_string(), out_);
  }
  apply(s, out_);
}

void ReliableDelivery::on_hello(const Hello& hello) {
  auto [known, inserted] = publishers_.get_or_insert(
      hello.name, [this](const std::string& name, PublisherRecord&) {
        repairs_->forget_endpoint(name);
        NodeCounters::add(counters_.publishers_evicted);
      });
  if (inserted) next_ack_ms_ = 0;  // introduce us now
  counters_.hello_publishers.store(publishers_.size(), std::memory_order_relaxed);
  bool new_instance = !known->instance.empty() && known->instance != hello.instance;
  if (new_instance && hello.instance == known->previous) {
    // A late hello of the instance before (queued on another connection): it must not
    // switch us back, and its heads describe a stream we no longer follow: ignored.
    return;
  }
  repairs_->set_control_endpoint(hello.name, hello.control);
  if (new_instance) known->previous = std::move(known->instance);
  known->instance = hello.instance;
  for (Channel c : kAllChannels) {
    HelloHead head;
    head.last = hello.last[channel_index(c)];
    head.new_instance = new_instance;
    if (hello.base) head.base = (*hello.base)[channel_index(c)];
    for (const auto& s : subs_.all()) {
      if (!s->sequenced(c)) continue;
      s->tracker()->on_head(hello.name, c, head, out_);
      apply(*s, out_);
    }
  }
}

void ReliableDelivery::on_turn_end() {
  if (resume_due_) resume_paused();
  count_tracker_state();
  if (publishers_.empty()) return;
  const std::uint64_t now = monotonic_ms();
  if (now >= next_ack_ms_ || delivered_since_ack_ >= config_.reliable_ack_every_events ||
      bytes_since_ack_ >= config_.reliable_ack_every_bytes) {
    next_ack_ms_ = now + static_cast<std::uint64_t>(std::max(1, config_.reliable_ack_interval_ms));
    delivered_since_ack_ = 0;
    bytes_since_ack_ = 0;
    if (any_reliable()) send_acks(now);
  }
}

void ReliableDelivery::count_tracker_state() {
  std::size_t most = 0;
  for (const auto& s : subs_.all()) {
    if (const ReliableTracker* t = s->tracker()) most = std::max(most, t->publishers());
  }
  counters_.reliable_publishers.store(most, std::memory_order_relaxed);
}

bool ReliableDelivery::any_reliable() const {
  for (const auto& s : subs_.all()) {
    if (s->tracker() != nullptr) return true;
  }
  return false;
}

// Per publisher: the lowest position over this node's Reliable subscriptions of each
// channel they sequence; sent when it moved, or as a heartbeat.
void ReliableDelivery::send_acks(std::uint64_t now_ms) {
  const auto heartbeat = static_cast<std::uint64_t>(std::max(1, config_.reliable_heartbeat_ms));
  bool stop = false;
  publishers_.for_each([&](const std::string& publisher, PublisherRecord& record) {
    if (stop) return;
    AckState& state = record.ack;
    std::array<std::optional<std::uint64_t>, kChannelCount> pos{};
    for (const auto& s : subs_.all()) {
      const ReliableTracker* t = s->tracker();
      if (t == nullptr) continue;
      for (Channel c : kAllChannels) {
        if (!s->sequenced(c)) continue;
        const std::uint64_t p = t->delivered_up_to(publisher, c);
        auto& slot = pos[channel_index(c)];
        slot = slot ? std::min(*slot, p) : p;
      }
    }
    if (pos == state.sent && now_ms < state.sent_ms + heartbeat) return;
    ack_buf_.clear();
    encode_ack(publisher, instance_, pos, ack_buf_);
    if (!send_upstream_(ack_buf_)) {
      stop = true;
      return;
    }
    NodeCounters::add(counters_.acks_sent);
    state.sent = pos;
    state.sent_ms = now_ms;
  });
}

void ReliableDelivery::resume_paused() {
  resume_due_ = false;
  for (const auto& s : subs_.all()) {
    ReliableTracker* t = s->tracker();
    if (t == nullptr || !t->paused()) continue;
    if (!s->has_room()) {
      resume_due_ = true;  // try again next turn (the consumer wakes us when it drains)
      continue;
    }
    t->resume(out_);
    apply(*s, out_);
  }
}

std::map<std::string, BreakerState> ReliableDelivery::breaker_states() const {
  return repairs_ ? repairs_->breaker_states() : std::map<std::string, BreakerState>{};
}

std::size_t ReliableDelivery::repair_lanes() const { return repairs_ ? repairs_->lanes() : 0; }

}  // namespace vsm::detail
