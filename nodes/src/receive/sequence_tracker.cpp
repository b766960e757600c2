#include "receive/sequence_tracker.hpp"

namespace vsm::detail {

std::uint64_t SequenceTracker::observe(std::string_view publisher, Channel channel,
                                       std::uint64_t seq) {
  std::uint64_t& last = (*last_.get_or_insert(publisher).first)[channel_index(channel)];
  std::uint64_t missing = 0;
  // The first event seen from a publisher starts the stream: events published before we
  // connected are history, not loss.
  if (last != 0 && seq > last + 1) missing = seq - last - 1;
  last = seq;
  return missing;
}

std::uint64_t SequenceTracker::observe_head(std::string_view publisher, Channel channel,
                                            std::uint64_t head) {
  auto* heads = last_.find(publisher);
  if (heads == nullptr) return 0;
  std::uint64_t& last = (*heads)[channel_index(channel)];
  if (last == 0) return 0;
  // Heads lag the stream (a hello may follow events newer than the head it carries):
  // only a head beyond the last seen seq means loss.
  if (head <= last) return 0;
  const std::uint64_t missing = head - last;
  last = head;
  return missing;
}

}  // namespace vsm::detail
