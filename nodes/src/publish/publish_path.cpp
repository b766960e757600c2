#include "publish/publish_path.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "vsm/codec.hpp"
#include "vsm/event_id.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

PublishPath::PublishPath(const NodeConfig& config, HybridClock& clock, NodeCounters& counters,
                         zmq::context_t& ctx, NodeLog& log, NodeSecurity& security,
                         DegradedMode& degraded)
    : config_(config),
      clock_(clock),
      counters_(counters),
      log_(log),
      security_(security),
      flow_(config.validate_flow, config.flow_rules),
      quotas_(config.quotas_enabled ? std::make_unique<QuotaTable>(config.quotas) : nullptr),
      degraded_(degraded),
      inline_idle_ns_(static_cast<std::int64_t>(config.publish_inline_idle_us) * 1000),
      queue_(config.publish_queue_capacity),
      socket_(config, ctx, counters, security),
      pipeline_(config, log, socket_, counters),
      sender_(config, queue_, pipeline_, socket_) {
  if (!config.compression.rules.empty()) {
    // Summaries are the node's own events: no flow rule, quota or compression again.
    compression_ = std::make_unique<CompressionStage>(config.compression, [this](Event&& e) {
      if (auto r = publish(std::move(e), PublishOrigin::kSystem); !r) {
        spdlog::warn("vsm: node {} could not publish a summary: {}", config_.name,
                     r.error().to_string());
      }
    });
  }
}

Status PublishPath::open() {
  if (auto st = queue_.open(); !st) return st;
  // Continue our own per-channel sequences, so peers see a restart as a continuation
  // (the hello's "base", docs/PROTOCOL.md §1.6) and can repair across it from the log.
  auto last = log_.last_seqs();
  if (!last) return last.error();
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    last_seq_[i].store((*last)[i], std::memory_order_relaxed);
  }
  base_ = *last;
  pipeline_.continue_after(base_);
  return socket_.bind();
}

void PublishPath::start(Hello hello) {
  hello.base = base_;
  sender_.start(std::move(hello));
  if (compression_) compression_->start();
}

void PublishPath::close() {
  if (compression_) compression_->flush_and_stop();  // open windows go out first
  queue_.close();
  socket_.presence().release_waiters();
}

void PublishPath::stop() {
  close();
  sender_.stop();
}

namespace {
// The receipt's id; the event's becomes nil, so publishing it again gets a fresh one.
EventId take_id(Event& event) {
  EventId id = event.id;
  event.id = EventId();
  return id;
}
}  // namespace

Result<PublishReceipt> PublishPath::publish_in_place(Event& event, PublishOrigin origin) {
  if (event.id.is_nil()) event.id = EventId::generate();
  if (event.source.empty()) event.source = config_.name;
  if (event.channel == Channel::kAlgedonic) event.priority = kPriorityCritical;
  if (auto st = validate_event(event); !st) return st.error();
  int block_ms = 0;
  if (origin == PublishOrigin::kUser) {
    if (auto st = check_user(event); !st) return st.error();
  }
  if (degraded_.active()) {  // one relaxed load while the side is viable
    if (auto st = degraded_.admit(event); !st) return st.error();
  }
  if (origin == PublishOrigin::kUser) {
    if (compression_) {  // compression off: this branch is all it costs
      if (const auto* rule = compression_->rule_for(event.channel, event.type);
          rule != nullptr && compression_->offer(event, *rule)) {
        return PublishReceipt{take_id(event), 0, true};
      }
    }
    if (auto st = admit_quota(event); !st) return st.error();
    block_ms = config_.publish_block_timeout_ms;
  }
  if (pipeline_.log_failing()) {
    if (auto held = pipeline_.held_error()) return *held;  // the log's error, at once
  }
  if (auto st = queue_.admit(block_ms); !st) return queue_error(st.error());  // before encoding
  security_.sign(event);  // signed channels, security on: no lock held (PROTOCOL.md §1.14)
  // Encoded outside the queue lock into a per-thread buffer; seq and ts are patched in
  // under the lock, so the wire order of a channel is its seq order.
  thread_local std::string scratch;
  scratch.clear();
  auto slots = encode_event_unsequenced(event, config_.name, scratch, config_.limits);
  if (!slots) return slots.error();
  auto receipt = enqueue(event, scratch, *slots, block_ms);
  if (scratch.capacity() > (64u << 10)) std::string().swap(scratch);  // not for one big event
  return receipt;
}

// `encoded` is the event's frame without seq and ts; they are patched in (seal) under
// the queue lock. Queued, the frame is copied into the queue's reused buffers; committed
// inline, it is sent from `encoded` itself.
Result<PublishReceipt> PublishPath::enqueue(Event& event, std::string& encoded,
                                            const SequenceSlots& slots, int block_ms) {
  const Channel ch = event.channel;
  std::uint64_t seq = 0;
  const auto seal = [&](OutFrame& f) -> Status {
    auto& last = last_seq_[channel_index(ch)];
    seq = last.load(std::memory_order_relaxed) + 1;
    const HlcTick ts = clock_.tick();
    patch_sequence(f.frame.data(), slots, ts.wall_ms, ts.logical, seq);
    f.seq = seq;
    f.wall_ms = ts.wall_ms;
    last.store(seq, std::memory_order_relaxed);
    return {};
  };
  bool committed = false;
  if (config_.publish_inline && idle_for_inline()) {
    OutFrame frame;
    frame.frame.swap(encoded);  // lent, not copied (back below unless it was held)
    frame.channel = ch;
    auto inline_done = pipeline_.try_commit_inline(frame, queue_, seal);
    frame.frame.swap(encoded);
    if (!inline_done) return inline_done.error();
    committed = *inline_done;
  }
  if (!committed) {
    if (Status st = queue_.push(encoded, ch, block_ms, seal); !st) {
      return queue_error(st.error());
    }
  }
  NodeCounters::add(counters_.of(ch).published);
  if (degraded_.active()) degraded_.note_published(event, seq);
  return PublishReceipt{take_id(event), seq};
}

// A full queue while the pipeline holds frames back is the Reliable window (or the
// log): say so, with the slowest follower's name, instead of a bare QueueFull.
Error PublishPath::queue_error(const Error& e) {
  if (e.code() != ErrorCode::kQueueFull) return e;
  if (auto held = pipeline_.held_error(); held && held->code() == ErrorCode::kBackpressure) {
    NodeCounters::add(counters_.reliable_backpressure);
    return *held;
  }
  NodeCounters::add(counters_.publish_queue_full);
  return e;
}

// Streaming publishers (events closer than publish_inline_idle_us) go through the
// queue, where the sender batches them; a quiet stream sends each event at once.
bool PublishPath::idle_for_inline() noexcept {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  const auto last = last_publish_ns_.exchange(now, std::memory_order_relaxed);
  return now - last >= inline_idle_ns_;
}

// The flow rules, and the reserved rate-limit type that only an S3 may publish.
Status PublishPath::check_user(const Event& event) {
  if (auto st = flow_.check(event.channel, config_.role, role_from_name(event.target)); !st) {
    return st;
  }
  if (event.channel == Channel::kResourceBargain && event.type == kRateLimitType &&
      config_.role != Role::kS3) {
    return Error::blocked("resource_bargain/" + std::string(kRateLimitType) +
                          " sets an S1 source's rate: only an S3 node may publish it");
  }
  return {};
}

Status PublishPath::admit_quota(const Event& event) {
  if (!quotas_) return {};
  if (config_.quotas.aimd_enabled) {  // the publish queue's fill is pressure too
    quotas_->set_pressure(static_cast<double>(queue_.size()) /
                          static_cast<double>(config_.publish_queue_capacity));
  }
  auto delay_ms = quotas_->admit(event.channel, event.source, monotonic_ms());
  if (!delay_ms) return std::move(delay_ms).error();
  if (*delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(*delay_ms));
  return {};
}

void PublishPath::fill_stats(NodeStats& s) const {
  for (Channel c : kAllChannels) {
    auto& out = s.channels[channel_index(c)];
    out.blocked = flow_.blocked(c);
    out.routed = flow_.routed(c);
    if (quotas_) {
      out.quota_delayed = quotas_->delayed(c);
      out.quota_rejected = quotas_->rejected(c);
      out.variety_pressure = quotas_->pressure(c, monotonic_ms());
    }
  }
  s.publish_queue_depth = queue_.size();
  s.subscribers = socket_.presence().ready();
  pipeline_.flow().fill_stats(s);
  s.reliable_held = pipeline_.held();
  if (quotas_) {
    s.variety.aimd_decreases = quotas_->aimd_decreases();
    s.variety.aimd_increases = quotas_->aimd_increases();
  }
  if (compression_) compression_->fill_stats(s.variety);
}

}  // namespace vsm::detail
