// Reliable delivery on the reactor thread (DESIGN §3, docs/PROTOCOL.md "Reliable
// delivery"): Reliable subscriptions see every event of their channels through their
// ReliableTracker, which orders and deduplicates them and asks for missing ranges; the
// RepairWorker fetches those from the publishers' control endpoints (learned from
// hello announcements) and posts the answers back here. Also: the node's own hello
// announcements and the optional duplicate window for the other modes.
#include <spdlog/spdlog.h>

#include "core/hello.hpp"
#include "core/node_core.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

void NodeCore::start_reliable() {
  RepairWorkerConfig rc;
  rc.breaker.failure_threshold = config_.repair_failure_threshold;
  rc.breaker.recovery_timeout_ms = config_.repair_recovery_ms;
  repairs_ = std::make_unique<RepairWorker>(
      [this](const RepairRequest& req, Result<ReplayBatch> result) {
        on_repair_done(req, std::move(result));
      },
      rc);
  if (config_.dedup_window_ids > 0) {
    dedup_ = std::make_unique<DedupWindow>(
        DedupWindowConfig{config_.dedup_window_ids, config_.dedup_window_ms});
  }
  hello_due_ = true;  // announce at once: subscribers may already be connected
}

void NodeCore::feed_reliable(SubscriptionState& s, Event&& event) {
  s.tracker()->on_live(std::move(event), tracker_out_);
  apply_tracker(s, tracker_out_);
}

// Executes a tracker's output: submits repairs, records dead letters, and hands the
// ordered events that match the filter to the subscription queue. When the queue is
// full, the rest goes back to the tracker, which pauses those streams until there is room.
void NodeCore::apply_tracker(SubscriptionState& s, TrackerOutput& out) {
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
    if (!s.offer(e)) {
      spdlog::debug("vsm: node {} queue full at seq {}: pausing", config_.name, e.seq);
      refused = true;
      resume_due_ = true;
      tracker.on_refused(std::move(e));
      continue;
    }
    NodeCounters::add(counters_.of(ch).delivered);
    note_enqueued(s);
  }
  NodeCounters::add(counters_.duplicates, tracker.take_duplicates());
  out.deliver.clear();
  out.repairs.clear();
  out.dead.clear();
}

void NodeCore::on_repair_done(const RepairRequest& req, Result<ReplayBatch> result) {
  auto shared = std::make_shared<std::pair<RepairRequest, Result<ReplayBatch>>>(
      req, std::move(result));
  if (commands_.post([this, shared] { finish_repair(shared->first, shared->second); })) {
    queue_.wake();
  }
}

void NodeCore::finish_repair(const RepairRequest& req, Result<ReplayBatch>& result) {
  auto it = std::find_if(subs_.begin(), subs_.end(),
                         [&](const auto& s) { return s->id() == req.subscription; });
  if (it == subs_.end()) return;  // unsubscribed meanwhile
  SubscriptionState& s = **it;
  spdlog::debug("vsm: node {} repair answer {}..{}: {} events, oldest {}", config_.name, req.from,
                req.to, result ? result->events.size() : 0, result ? result->oldest : 0);
  if (result && req.start_time_ms != 0) {
    const std::uint64_t first = result->events.empty() ? 0 : result->events.front().seq;
    s.tracker()->on_resolved(req, first, tracker_out_);
  } else if (result) {
    NodeCounters::add(counters_.repaired_events, result->events.size());
    NodeCounters::add(counters_.decode_errors, result->decode_errors);
    s.tracker()->on_repaired(req, std::move(result->events), result->oldest, tracker_out_);
  } else {
    NodeCounters::add(counters_.repairs_failed);
    spdlog::debug("vsm: node {} repair of {} seq {}..{} failed: {}", config_.name, req.publisher,
                  req.from, req.to, result.error().to_string());
    s.tracker()->on_repair_failed(req, result.error().to_string(), tracker_out_);
  }
  apply_tracker(s, tracker_out_);
}

bool NodeCore::on_internal_message(std::string_view topic, std::string_view body) {
  if (topic.empty() || topic.front() != '~') return false;
  if (topic.substr(0, kHelloPrefix.size()) == kHelloPrefix) on_hello(body);
  return true;  // other '~' topics are reserved for future signalling: ignored
}

void NodeCore::on_hello(std::string_view body) {
  auto hello = decode_hello(body);
  if (!hello) {
    NodeCounters::add(counters_.decode_errors);
    return;
  }
  NodeCounters::add(counters_.hellos_received);
  repairs_->set_control_endpoint(hello->name, hello->control);
  auto& known = publisher_instances_[hello->name];
  const bool restarted = !known.empty() && known != hello->instance;
  known = hello->instance;
  for (Channel c : kAllChannels) {
    const std::size_t i = channel_index(c);
    const std::uint64_t head = hello->last[i];
    if (whole_channel_subs_[i] > 0) {
      if (auto missing = sequences_.observe_head(hello->name, c, head)) {
        NodeCounters::add(counters_.gap_events, missing);
        NodeCounters::add(counters_.of(c).dropped, missing);
      }
    }
    for (const auto& s : subs_) {
      if (!s->sequenced(c)) continue;
      s->tracker()->on_head(hello->name, c, head, restarted, tracker_out_);
      apply_tracker(*s, tracker_out_);
    }
  }
}

bool NodeCore::is_duplicate(const Event& event) {
  if (!dedup_ || dedup_->check_and_insert(event.id, monotonic_ms())) return false;
  NodeCounters::add(counters_.duplicates);
  return true;
}

// Heads are last_seq_ as of the previous reactor turn: every frame with a seq up to
// them was queued before that turn ended, so it has been sent by now, ahead of this
// hello on every connection. A subscriber never hears of a seq it cannot have received.
void NodeCore::send_hello() {
  Hello h{config_.name, hello_control_, instance_, hello_heads_};
  hello_buf_.clear();
  encode_hello(h, hello_buf_);
  const std::string topic = hello_topic(config_.name);
  std::lock_guard sock(socket_mu_);
  xpub_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  xpub_.send(zmq::buffer(hello_buf_), zmq::send_flags::dontwait);
}

void NodeCore::run_timers() {
  const std::uint64_t now = monotonic_ms();
  if (hello_due_ || now >= next_hello_ms_) {
    hello_due_ = false;
    next_hello_ms_ = now + static_cast<std::uint64_t>(std::max(1, config_.hello_interval_ms));
    send_hello();
  }
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    hello_heads_[i] = last_seq_[i].load(std::memory_order_relaxed);
  }
  if (resume_due_) resume_paused();
}

void NodeCore::resume_paused() {
  resume_due_ = false;
  for (const auto& s : subs_) {
    ReliableTracker* t = s->tracker();
    if (t == nullptr || !t->paused()) continue;
    if (!s->has_room()) {
      resume_due_ = true;  // try again next turn (the consumer wakes us when it drains)
      continue;
    }
    t->resume(tracker_out_);
    apply_tracker(*s, tracker_out_);
  }
}

}  // namespace vsm::detail
