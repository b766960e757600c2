#include "receive/sequence_tracker.hpp"

#include <algorithm>

namespace vsm::detail {

void SequenceTracker::add_gap(Stream& s, std::uint64_t first, std::uint64_t last) {
  if (first > last) return;
  s.gaps.emplace_back(first, last);  // always beyond the ones before (seqs only grow)
  if (s.gaps.size() > kMaxGaps) s.gaps.erase(s.gaps.begin());
}

bool SequenceTracker::take(Stream& s, std::uint64_t seq) {
  auto it = std::find_if(s.gaps.begin(), s.gaps.end(),
                         [seq](const SeqRange& g) { return seq >= g.first && seq <= g.second; });
  if (it == s.gaps.end()) return false;
  const SeqRange g = *it;
  if (g.first == g.second) {
    s.gaps.erase(it);
  } else if (seq == g.first) {
    it->first = seq + 1;
  } else if (seq == g.second) {
    it->second = seq - 1;
  } else {  // splits the range; the oldest goes if that exceeds the bound
    it->second = seq - 1;
    s.gaps.insert(it + 1, SeqRange{seq + 1, g.second});
    if (s.gaps.size() > kMaxGaps) s.gaps.erase(s.gaps.begin());
  }
  return true;
}

std::uint64_t SequenceTracker::observe(std::string_view publisher, Channel channel,
                                       std::uint64_t seq) {
  Stream& s = (*streams_.get_or_insert(publisher).first)[channel_index(channel)];
  if (seq <= s.last && take(s, seq)) return 0;  // a late arrival of a missing one
  std::uint64_t missing = 0;
  // The first event seen from a publisher starts the stream: events published before we
  // connected are history, not loss.
  if (s.last != 0 && seq > s.last + 1) {
    missing = seq - s.last - 1;
    add_gap(s, s.last + 1, seq - 1);
  } else if (seq <= s.last) {
    s.gaps.clear();  // a restart: the old stream's gaps are gone with it
  }
  s.last = seq;
  return missing;
}

std::uint64_t SequenceTracker::observe_head(std::string_view publisher, Channel channel,
                                            std::uint64_t head) {
  auto* streams = streams_.find(publisher);
  if (streams == nullptr) return 0;
  Stream& s = (*streams)[channel_index(channel)];
  if (s.last == 0) return 0;
  // Heads lag the stream (a hello may follow events newer than the head it carries):
  // only a head beyond the last seen seq means loss.
  if (head <= s.last) return 0;
  const std::uint64_t missing = head - s.last;
  add_gap(s, s.last + 1, head);
  s.last = head;
  return missing;
}

std::uint64_t SequenceTracker::missing_in(std::string_view publisher, Channel channel,
                                          SeqRange range, std::vector<SeqRange>& out) {
  if (range.first == 0 || range.first > range.second) return 0;
  Stream& s = (*streams_.get_or_insert(publisher).first)[channel_index(channel)];
  std::uint64_t missing = 0;
  if (s.last == 0) {
    add_gap(s, range.first, range.second);
    s.last = range.second;
  } else if (range.second > s.last) {
    missing = range.second - s.last;
    add_gap(s, s.last + 1, range.second);
    s.last = range.second;
  }
  for (const auto& g : s.gaps) {
    const std::uint64_t lo = std::max(g.first, range.first);
    const std::uint64_t hi = std::min(g.second, range.second);
    if (lo <= hi) out.emplace_back(lo, hi);
  }
  return missing;
}

bool SequenceTracker::claim(std::string_view publisher, Channel channel, std::uint64_t seq) {
  auto* streams = streams_.find(publisher);
  return streams != nullptr && take((*streams)[channel_index(channel)], seq);
}

}  // namespace vsm::detail
