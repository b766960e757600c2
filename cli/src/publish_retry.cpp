#include "publish_retry.hpp"

#include <algorithm>
#include <thread>

namespace vsmcat {

vsm::Result<vsm::PublishReceipt> publish_retrying(vsm::Node& node, const vsm::Event& event,
                                                  std::chrono::milliseconds retry_for) {
  const auto deadline = std::chrono::steady_clock::now() + retry_for;
  constexpr auto kMaxBackoff = std::chrono::microseconds(20'000);
  for (auto backoff = std::chrono::microseconds(50);;
       backoff = std::min(backoff * 2, kMaxBackoff)) {
    auto r = node.publish(event);
    if (r || r.error().code() != vsm::ErrorCode::kQueueFull ||
        std::chrono::steady_clock::now() >= deadline) {
      return r;
    }
    std::this_thread::sleep_for(backoff);
  }
}

}  // namespace vsmcat
