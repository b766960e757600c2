#include "control/reply_budget.hpp"

#include <algorithm>
#include <atomic>
#include <utility>

namespace vsm::detail {

// Kept alive until ZeroMQ has released every frame of the reply.
struct ReplyBudget::Block {
  std::shared_ptr<ReplyBudget> budget;
  std::string client;
  std::size_t bytes = 0;
  std::string body;
  std::vector<std::string> frames;
  std::atomic<std::size_t> refs{0};
};

namespace {
// What a frame costs beyond its bytes (its string and ZeroMQ's message content).
constexpr std::size_t kFrameOverheadBytes = 96;
}  // namespace

std::optional<std::string> ReplyBudget::refuse(std::string_view client) const {
  std::lock_guard lock(mu_);
  if (total_ >= limits_.total_bytes) {
    return "node busy: " + std::to_string(total_) + " bytes of control replies not yet read "
           "by their clients; retry later";
  }
  auto it = clients_.find(std::string(client));
  if (it == clients_.end()) return std::nullopt;
  if (it->second.replies >= limits_.client_replies || it->second.bytes >= limits_.client_bytes) {
    return "busy: " + std::to_string(it->second.replies) + " replies (" +
           std::to_string(it->second.bytes) + " bytes) to this client not yet read; read them first";
  }
  return std::nullopt;
}

std::vector<zmq::message_t> ReplyBudget::messages(std::string_view client, std::string body,
                                                  std::vector<std::string> frames) {
  auto* block = new Block;
  block->budget = shared_from_this();
  block->client = std::string(client);
  block->body = std::move(body);
  block->frames = std::move(frames);
  block->bytes = block->body.size() + kFrameOverheadBytes;
  for (const auto& f : block->frames) block->bytes += f.size() + kFrameOverheadBytes;
  block->refs.store(block->frames.size() + 1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    Use& use = clients_[block->client];
    ++use.replies;
    use.bytes += block->bytes;
    total_ += block->bytes;
    peak_ = std::max(peak_, total_);
  }
  std::vector<zmq::message_t> out;
  out.reserve(block->frames.size() + 1);
  out.emplace_back(block->body.data(), block->body.size(), &release_frame, block);
  for (auto& f : block->frames) out.emplace_back(f.data(), f.size(), &release_frame, block);
  return out;
}

void ReplyBudget::release_frame(void* /*data*/, void* hint) {
  auto* block = static_cast<Block*>(hint);
  if (block->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  const std::shared_ptr<ReplyBudget> budget = std::move(block->budget);
  budget->release(block->client, block->bytes);
  delete block;
}

void ReplyBudget::release(const std::string& client, std::size_t bytes) {
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it != clients_.end()) {
    it->second.bytes -= std::min(it->second.bytes, bytes);
    if (it->second.replies > 0) --it->second.replies;
    if (it->second.replies == 0) clients_.erase(it);
  }
  total_ -= std::min(total_, bytes);
  if (total_ == 0 && peak_ >= kTrimAfterBytes) {
    trim_due_ = true;
    peak_ = 0;
  }
}

std::size_t ReplyBudget::bytes_in_flight() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::size_t ReplyBudget::clients_in_flight() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

bool ReplyBudget::take_trim_due() {
  std::lock_guard lock(mu_);
  return std::exchange(trim_due_, false);
}

}  // namespace vsm::detail
