// Lifeguard dynamic suspicion timer for one suspected member: the timeout starts at
// `max_ms` and shrinks logarithmically toward `min_ms` as independent members confirm
// the suspicion (k confirmations reach the minimum). Not thread-safe; plain value.
#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace vsm::gossip {

class Suspicion {
 public:
  // `from` is the first suspecting member (it does not count as a confirmation).
  Suspicion(std::uint64_t start_ms, std::uint64_t min_ms, std::uint64_t max_ms, std::uint32_t k,
            std::string from);

  // Records a confirmation from `from`; returns true when it was new and independent.
  bool confirm(const std::string& from);
  // Local time at which the member should be declared dead.
  std::uint64_t deadline_ms() const noexcept;
  std::uint32_t confirmations() const noexcept { return confirmations_; }

 private:
  std::uint64_t start_ms_;
  std::uint64_t min_ms_;
  std::uint64_t max_ms_;
  std::uint32_t k_;
  std::uint32_t confirmations_ = 0;
  std::set<std::string> from_;
};

}  // namespace vsm::gossip
