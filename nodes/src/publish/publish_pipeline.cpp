#include "publish/publish_pipeline.hpp"

#include <spdlog/spdlog.h>


namespace vsm::detail {

PublishPipeline::PublishPipeline(const NodeConfig& config, NodeLog& log, PublisherSocket& socket,
                                 NodeCounters& counters)
    : config_(config),
      log_(log),
      socket_(socket),
      counters_(counters),
      ring_(config.replay_ring_bytes_per_channel) {}

std::size_t PublishPipeline::commit_queued(PublishQueue& queue) {
  std::lock_guard lock(mu_);
  queue.take(batch_);
  if (!pending_.empty()) {
    // Keep seq order: what failed before goes first.
    pending_.insert(pending_.end(), std::make_move_iterator(batch_.begin()),
                    std::make_move_iterator(batch_.end()));
    batch_.clear();
    batch_.swap(pending_);
  }
  const std::size_t n = batch_.size();
  if (n == 0) return 0;
  commit_locked(batch_);
  batch_.clear();
  return n - pending_.size();
}

bool PublishPipeline::log_frames(std::span<OutFrame> frames) {
  if (!log_.enabled()) return true;
  views_.clear();
  for (auto& f : frames) views_.push_back(f.body.to_string_view());
  auto st = log_.append_published(views_);
  if (st) {
    if (log_error_) {
      spdlog::info("vsm: node {} event log writable again; publishing resumes", config_.name);
      log_error_.reset();
    }
    return true;
  }
  if (!log_error_) {
    spdlog::error("vsm: node {} cannot write its event log, holding {} event(s) until it "
                  "can: {}", config_.name, frames.size(), st.error().to_string());
  }
  log_error_ = st.error();
  return false;
}

void PublishPipeline::commit_locked(std::span<OutFrame> frames) {
  if (!log_frames(frames)) {
    for (auto& f : frames) pending_.push_back(std::move(f));
    pending_count_.store(pending_.size(), std::memory_order_relaxed);
    return;
  }
  pending_count_.store(0, std::memory_order_relaxed);
  for (auto& f : frames) ring_.append(f.channel, f.seq, f.body.to_string_view());
  if (!socket_.send(frames)) return;  // closing: the frames are in the log already
  std::array<std::uint64_t, kChannelCount> last{};
  for (const auto& f : frames) last[channel_index(f.channel)] = f.seq;
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    if (last[i] != 0) sent_[i].store(last[i], std::memory_order_release);
  }
}

std::optional<Error> PublishPipeline::failing() const {
  if (pending_count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  return log_error_;
}

std::array<std::uint64_t, kChannelCount> PublishPipeline::sent_heads() const {
  std::array<std::uint64_t, kChannelCount> h{};
  for (std::size_t i = 0; i < kChannelCount; ++i) h[i] = sent_[i].load(std::memory_order_acquire);
  return h;
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
