#include "security/refusal_log.hpp"

#include <spdlog/spdlog.h>

namespace vsm::detail {

std::string RefusalLog::note(std::string_view peer, std::string_view reason, std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  if (logged_ && now_ms < next_ms_) {
    ++suppressed_;
    return {};
  }
  logged_ = true;
  next_ms_ = now_ms + interval_ms_;
  std::string msg = "vsm: node " + node_ + ": " + what_ + " " +
                    (peer.empty() ? std::string("an unknown address") : std::string(peer)) + ": " +
                    std::string(reason);
  if (suppressed_ > 0) {
    msg += " (and " + std::to_string(suppressed_) + " more since the previous warning)";
    suppressed_ = 0;
  }
  return msg;
}

void RefusalLog::warn(std::string_view peer, std::string_view reason, std::uint64_t now_ms) {
  const std::string msg = note(peer, reason, now_ms);
  if (!msg.empty()) spdlog::warn("{}", msg);
}

}  // namespace vsm::detail
