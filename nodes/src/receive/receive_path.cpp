#include "receive/receive_path.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/hello.hpp"
#include "telemetry/telemetry_format.hpp"
#include "vsm/frame_format.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {
namespace {
constexpr std::string_view kTelemetryPrefix = telemetry_format::kTopicPrefix;
}  // namespace

ReceivePath::ReceivePath(const NodeConfig& config, NodeCounters& counters, HybridClock& clock,
                         Subscriptions& subs, ReliableDelivery& reliable, NodeLog& log,
                         NodeSecurity& security, Variety variety)
    : config_(config),
      counters_(counters),
      clock_(clock),
      subs_(subs),
      reliable_(reliable),
      log_(log),
      security_(security),
      source_check_(config, security, counters),
      variety_(variety),
      sequences_(config.max_tracked_publishers),
      reconciler_(
          config, sequences_, subs,
          [&reliable](RepairRequest req, std::chrono::milliseconds t) {
            reliable.fetch(std::move(req), t);
          },
          [this](const Event& e) { dispatch(e, To::kOthers); }),
      gate_(config.chaos.max_held) {
  reliable.set_fetch_sink([this](const RepairRequest& req, Result<ReplayBatch>& result) {
    reconciler_.on_fetched(req, result);
  });
  if (config_.dedup_window_ids > 0) {
    dedup_ = std::make_unique<DedupWindow>(
        DedupWindowConfig{config_.dedup_window_ids, config_.dedup_window_ms});
  }
}

void ReceivePath::on_message(std::string_view frame, std::string_view peer) {
  if (!frame.empty() && frame.front() == '~') {
    // Fabric signalling: topic, 0x00, body. Other '~' topics are reserved: ignored.
    const auto sep = frame.find(frame_format::kSeparator);
    if (sep == std::string_view::npos) {
      NodeCounters::add(counters_.decode_errors);
    } else if (frame.substr(0, kHelloPrefix.size()) == kHelloPrefix) {
      on_hello(frame.substr(sep + 1), peer);
    } else if (telemetry_ && frame.substr(0, kTelemetryPrefix.size()) == kTelemetryPrefix) {
      telemetry_(frame);  // decoded on the telemetry thread
    }
    return;
  }
  // One clock read per frame (a batch's events arrived together): publish -> deliver
  // latency from each event's HLC wall time.
  frame_now_us_ = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (auto st = reader_.reset(frame, config_.limits); !st) {
    NodeCounters::add(counters_.decode_errors);
    spdlog::debug("vsm: node {} dropped a malformed frame: {}", config_.name, st.error().to_string());
    return;
  }
  while (!reader_.done()) {
    // Decoded into one reused Event: its strings keep their capacity (no allocation).
    if (auto st = reader_.next_into(rx_); !st) {
      NodeCounters::add(counters_.decode_errors);
      spdlog::debug("vsm: node {} dropped a malformed event on '{}/{}/{}': {}", config_.name,
                    channel_name(reader_.topic().channel), reader_.topic().source,
                    reader_.topic().type, st.error().to_string());
      continue;
    }
    if (!source_check_.admit(rx_, peer)) continue;  // counted by the check
    if (variety_.chaos.active()) {  // one relaxed load while no fault is injected
      inject(rx_);
      continue;
    }
    deliver(rx_, reader_);
  }
  NodeCounters::add(counters_.decode_errors, reader_.unread());
}

void ReceivePath::inject(const Event& event) {
  const std::uint64_t now = monotonic_ms();
  const FaultVerdict v = variety_.chaos.decide(ChaosPlane::kData, event.ts.node, event.channel, now);
  if (v.action == FaultAction::kPass) return deliver(event, reader_);
  std::string frame;
  reader_.append_event_frame(frame);
  gate_.apply(v, now, {}, frame, [this](std::string_view, std::string_view f) { replay(f); });
}

void ReceivePath::replay(std::string_view frame) {
  if (!held_reader_.reset(frame, config_.limits) || held_reader_.done() ||
      !held_reader_.next_into(held_rx_)) {
    return;  // it decoded once: cannot fail
  }
  deliver(held_rx_, held_reader_);
}

void ReceivePath::on_batch_end() {
  source_check_.refresh();
  log_.flush_received();
  subs_.wake_consumers();
  count_sequence_state();
}

void ReceivePath::count_sequence_state() {
  counters_.tracked_publishers.store(sequences_.publishers(), std::memory_order_relaxed);
  const std::uint64_t evicted = sequences_.evictions();
  NodeCounters::add(counters_.publishers_evicted, evicted - reported_evictions_);
  reported_evictions_ = evicted;
}

void ReceivePath::on_turn_end() {
  if (gate_.held() != 0) {
    gate_.release_due(monotonic_ms(), [this](std::string_view, std::string_view f) { replay(f); });
  }
  reliable_.on_turn_end();
  on_batch_end();
}

void ReceivePath::on_hello(std::string_view body, std::string_view peer) {
  auto hello = decode_hello(body);
  if (!hello) {
    NodeCounters::add(counters_.decode_errors);
    return;
  }
  // Its control endpoint is where gap repair goes: only the publisher may name it.
  if (!source_check_.admit_hello(hello->name, peer)) return;
  security_.note_control_endpoint(hello->name, hello->control);
  NodeCounters::add(counters_.hellos_received);
  reconciler_.on_hello(hello->name, hello->last[channel_index(Channel::kAudit)]);
  for (Channel c : kAllChannels) {
    if (!subs_.whole_channel(c)) continue;
    if (auto missing = sequences_.observe_head(hello->name, c, hello->last[channel_index(c)])) {
      NodeCounters::add(counters_.gap_events, missing);
      NodeCounters::add(counters_.of(c).dropped, missing);
    }
  }
  reliable_.on_hello(*hello);
}

void ReceivePath::deliver(const Event& event, const FrameReader& from) {
  auto& ch = counters_.of(event.channel);
  NodeCounters::add(ch.received);
  clock_.merge(event.ts);
  // A live copy of an event already delivered reconciled: the others have it.
  const bool reconciled = reconciler_.delivered(event);
  if (reconciled) NodeCounters::add(counters_.duplicates);
  if (subs_.whole_channel(event.channel) && !reconciled) {
    if (auto missing = sequences_.observe(event.ts.node, event.channel, event.seq)) {
      NodeCounters::add(counters_.gap_events, missing);
      NodeCounters::add(ch.dropped, missing);
    }
  }
  // Only the first copy of an alert id (lane or data plane) reaches the subscriptions;
  // the lane counts later ones as duplicates.
  if (event.channel == Channel::kAlgedonic && first_algedonic_copy_ &&
      !first_algedonic_copy_(event)) {
    return;
  }
  if (is_duplicate(event)) return;
  ch.latency.record_unsynchronized(frame_now_us_ -
                                   static_cast<std::int64_t>(event.ts.wall_ms) * 1000);
  (void)variety_.bargain.on_event(event);        // a rate limit is applied, and delivered
  if (!variety_.degraded.accept(event)) return;  // a command from outside the side
  if (config_.log_received) log_.stage_received(from.event_head(), from.event_map());
  dispatch(event, reconciled ? To::kReliable : To::kAll);
  if (event.channel == Channel::kAudit) reconciler_.on_audit(event);
}

// Every matching subscription gets a copy (assigned into a spare slot of its queue, so
// no allocation); Reliable ones hand theirs to the tracker, which orders, deduplicates
// and filters it.
void ReceivePath::dispatch(const Event& event, To to) {
  auto& ch = counters_.of(event.channel);
  for (const auto& sp : subs_.all()) {
    SubscriptionState& s = *sp;
    if (s.sequenced(event.channel)) {
      if (to != To::kOthers) reliable_.feed(s, event);
      continue;
    }
    if (to == To::kReliable) continue;
    if (!s.filter().matches(event)) continue;
    if (!s.push(event)) NodeCounters::add(ch.dropped);
    NodeCounters::add(ch.delivered);
    subs_.note_enqueued(s);
  }
}

bool ReceivePath::is_duplicate(const Event& event) {
  if (!dedup_ || dedup_->check_and_insert(event.id, monotonic_ms())) return false;
  NodeCounters::add(counters_.duplicates);
  return true;
}

}  // namespace vsm::detail
