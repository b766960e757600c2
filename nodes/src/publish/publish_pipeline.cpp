#include "publish/publish_pipeline.hpp"

#include <spdlog/spdlog.h>

#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

PublishPipeline::PublishPipeline(const NodeConfig& config, NodeLog& log, PublisherSocket& socket,
                                 NodeCounters& counters)
    : config_(config),
      log_(log),
      socket_(socket),
      counters_(counters),
      // With a log, the log (and the page cache under it) is the retention: no second copy.
      ring_(config.log_dir.empty() ? config.replay_ring_bytes_per_channel : 0),
      flow_(config.name, ReliableFlowConfig{config.reliable_window_events,
                                            config.reliable_ack_timeout_ms,
                                            config.reliable_max_followers}),
      health_(config.name, "published events") {}

void PublishPipeline::commit_queued(PublishQueue& queue) {
  std::lock_guard lock(mu_);
  if (!held_.empty()) {
    // Flow control still blocks the oldest held frame: nothing could go out, so leave
    // the held frames where they are instead of moving them all out and back.
    if (admitted(std::span<const OutFrame>(held_).first(1)) == 0) return;
    retry_.swap(held_);
    held_count_.store(0, std::memory_order_relaxed);
    commit_sliced(retry_);
    retry_.clear();
    if (!held_.empty()) return;  // still held: the queue keeps the rest (publishers wait)
  }
  queue.take(batch_);
  if (batch_.empty()) return;
  commit_sliced(batch_.frames());
  batch_.clear();  // the frames' buffers go back to the queue at the next take()
}

void PublishPipeline::commit_sliced(std::span<OutFrame> frames) {
  std::size_t begin = 0;
  while (begin < frames.size()) {
    if (!held_.empty()) {  // the rest waits behind what is held, in order
      hold(frames.subspan(begin));
      return;
    }
    std::size_t end = begin + 1;  // at least one frame, however big
    std::size_t bytes = frames[begin].frame.size();
    while (end < frames.size() && bytes + frames[end].frame.size() <= kSliceBytes) {
      bytes += frames[end++].frame.size();
    }
    commit_locked(frames.subspan(begin, end - begin));
    begin = end;
  }
}

std::size_t PublishPipeline::admitted(std::span<const OutFrame> frames) const {
  if (config_.reliable_window_events == 0 || !flow_.has_followers()) {
    return frames.size();  // fast path: no Reliable follower, nothing to check
  }
  std::size_t n = 0;
  while (n < frames.size() && flow_.permits(frames[n].channel, frames[n].seq)) ++n;
  if (log_.enabled() || n == 0) return n;
  // Without a log the ring is the only retention: of these, the longest prefix whose
  // appends, all of them together, evict nothing unacknowledged. One check per channel
  // when all fit (the usual case), else a binary search (fitting is monotone in the
  // prefix: a shorter one appends fewer bytes).
  if (ring_fits(frames.first(n))) return n;
  std::size_t fit = 0;  // ring_fits(first(fit)) holds, ring_fits(first(over)) does not
  std::size_t over = n;
  while (over - fit > 1) {
    const std::size_t mid = fit + (over - fit) / 2;
    if (ring_fits(frames.first(mid))) {
      fit = mid;
    } else {
      over = mid;
    }
  }
  return fit;
}

bool PublishPipeline::ring_fits(std::span<const OutFrame> frames) const {
  std::array<std::size_t, kChannelCount> bytes{};
  for (const auto& f : frames) {
    if (ring_.retained(f.frame.size())) bytes[channel_index(f.channel)] += f.frame.size();
  }
  for (Channel c : kAllChannels) {
    const std::size_t b = bytes[channel_index(c)];
    if (b == 0) continue;
    const std::uint64_t floor = flow_.floor(c);
    if (floor != UINT64_MAX && !ring_.fits_above(c, b, floor)) return false;
  }
  return true;
}

void PublishPipeline::hold(std::span<OutFrame> frames) {
  for (auto& f : frames) held_.push_back(std::move(f));
  held_count_.store(held_.size(), std::memory_order_relaxed);
}

bool PublishPipeline::log_frames(std::span<OutFrame> frames) {
  if (!log_.enabled()) return true;
  records_.clear();
  for (auto& f : frames) records_.push_back({f.bytes(), f.wall_ms, f.channel, f.seq});
  const Status st = log_.append_published(records_);
  const bool block = config_.log_failure_policy == LogFailurePolicy::kBlock;
  health_.on_result(st, frames.size(),
                    block ? "holding them and refusing new publishes"
                          : "sending them unlogged (log_failure_policy = continue; stats: unlogged)",
                    monotonic_ms());
  if (st) {
    log_error_.reset();
    log_failing_.store(false, std::memory_order_relaxed);
    return true;
  }
  if (!block) {
    NodeCounters::add(counters_.unlogged, frames.size());
    return true;
  }
  log_error_ = st.error();
  log_failing_.store(true, std::memory_order_relaxed);
  return false;
}

void PublishPipeline::commit_locked(std::span<OutFrame> frames) {
  const std::size_t n = admitted(frames);
  std::span<OutFrame> now = frames.first(n);
  if (n < frames.size()) hold(frames.subspan(n));
  if (now.empty()) return;
  if (!log_frames(now)) {
    // Keep seq order: these go before what was just held.
    std::vector<OutFrame> rest;
    rest.swap(held_);
    hold(now);
    hold(rest);
    return;
  }
  for (auto& f : now) ring_.append(f.channel, f.seq, f.bytes());
  if (!socket_.send(now)) return;  // closing: the frames are in the log already
  std::array<std::uint64_t, kChannelCount> last{};
  for (const auto& f : now) last[channel_index(f.channel)] = f.seq;
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    if (last[i] != 0) sent_[i].store(last[i], std::memory_order_release);
  }
}

void PublishPipeline::on_upstream(std::string_view frame) {
  auto ack = decode_ack(frame);
  if (!ack) {
    NodeCounters::add(counters_.decode_errors);
    return;
  }
  flow_.on_ack(*ack, sent_heads(), monotonic_ms());
}

std::optional<Error> PublishPipeline::held_error() const {
  if (held_count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  if (log_error_) {
    return Error(log_error_->code(), "event log unavailable, publishing is held until it can "
                                     "be written again: " + log_error_->message());
  }
  if (held_.empty()) return std::nullopt;
  return Error::backpressure("publishing is held back: " + flow_.describe_block(held_.front().channel));
}

std::array<std::uint64_t, kChannelCount> PublishPipeline::sent_heads() const {
  std::array<std::uint64_t, kChannelCount> h{};
  for (std::size_t i = 0; i < kChannelCount; ++i) h[i] = sent_[i].load(std::memory_order_acquire);
  return h;
}

void PublishPipeline::continue_after(const std::array<std::uint64_t, kChannelCount>& heads) {
  for (std::size_t i = 0; i < kChannelCount; ++i) sent_[i].store(heads[i], std::memory_order_release);
}

ReplaySlice PublishPipeline::replay_slice(Channel channel, std::uint64_t from, std::uint64_t to,
                                          std::size_t max) const {
  ReplaySlice slice;
  slice.last = sent_[channel_index(channel)].load(std::memory_order_acquire);
  slice.events = ring_.range(channel, from, to, max, &slice.oldest);
  const bool ring_covers = !slice.events.empty() && slice.oldest <= from;
  if (!ring_covers) log_.slice(channel, from, to, max, slice);
  return slice;
}

}  // namespace vsm::detail
