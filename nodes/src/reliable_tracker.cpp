#include "reliable_tracker.hpp"

namespace vsm::detail {

ReliableTracker::ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered,
                                 int max_attempts)
    : start_seq_(start_seq), max_buffered_(max_buffered), max_attempts_(max_attempts) {}

ReliableTracker::Stream& ReliableTracker::stream(const std::string& publisher, Channel channel) {
  return streams_[{publisher, channel}];
}

void ReliableTracker::on_live(Event&& event, TrackerOutput& out) {
  const std::string publisher = event.ts.node;
  const Channel channel = event.channel;
  Stream& s = stream(publisher, channel);
  if (s.next == 0) s.next = start_seq_ != 0 ? start_seq_ : event.seq;
  const std::uint64_t seq = event.seq;
  accept(s, std::move(event), out);
  if (!s.held.empty() && !s.repairing) request_gap(s, publisher, channel, seq - 1, out);
}

void ReliableTracker::on_head(const std::string& publisher, Channel channel, std::uint64_t last,
                              TrackerOutput& out) {
  Stream& s = stream(publisher, channel);
  if (s.next == 0) {
    if (start_seq_ == 0) return;  // live-only: nothing is owed before the first event
    s.next = start_seq_;
  }
  if (last >= s.next && !s.repairing) request_gap(s, publisher, channel, last, out);
}

void ReliableTracker::accept(Stream& s, Event&& e, TrackerOutput& out) {
  if (e.seq < s.next || s.held.count(e.seq)) {
    ++duplicates_;
    return;
  }
  if (e.seq == s.next) {
    out.deliver.push_back(std::move(e));
    ++s.next;
    drain(s, out);
    return;
  }
  if (buffered_ >= max_buffered_ && !s.held.empty()) {
    // Bounded memory: the newest held event makes room (it will be re-fetched).
    s.held.erase(std::prev(s.held.end()));
    --buffered_;
  }
  s.held.emplace(e.seq, std::move(e));
  ++buffered_;
}

void ReliableTracker::drain(Stream& s, TrackerOutput& out) {
  while (!s.held.empty() && s.held.begin()->first == s.next) {
    out.deliver.push_back(std::move(s.held.begin()->second));
    s.held.erase(s.held.begin());
    --buffered_;
    ++s.next;
  }
  while (!s.held.empty() && s.held.begin()->first < s.next) {  // stale copies
    s.held.erase(s.held.begin());
    --buffered_;
  }
}

void ReliableTracker::request_gap(Stream& s, const std::string& publisher, Channel channel,
                                  std::uint64_t to, TrackerOutput& out) {
  if (to < s.next) return;
  s.repairing = true;
  out.repairs.push_back(RepairRequest{publisher, channel, s.next, to});
}

void ReliableTracker::on_repaired(const RepairRequest& req, std::vector<Event>&& events,
                                  std::uint64_t oldest, TrackerOutput& out) {
  Stream& s = stream(req.publisher, req.channel);
  s.repairing = false;
  s.attempts = 0;
  const bool progressed = !events.empty();
  for (auto& e : events) accept(s, std::move(e), out);
  if (s.next > req.to) {
    if (!s.held.empty()) request_gap(s, req.publisher, req.channel, s.held.begin()->first - 1, out);
    return;
  }
  if (oldest > s.next || (oldest == 0 && !progressed)) {
    const std::uint64_t lost_to = oldest > s.next ? oldest - 1 : req.to;
    give_up(s, req.publisher, req.channel, std::min(lost_to, req.to),
            "publisher no longer retains these events", out);
  }
  if (s.next <= req.to) request_gap(s, req.publisher, req.channel, req.to, out);
}

void ReliableTracker::on_repair_failed(const RepairRequest& req, const std::string& reason,
                                       TrackerOutput& out) {
  Stream& s = stream(req.publisher, req.channel);
  s.repairing = false;
  if (++s.attempts < max_attempts_) {
    request_gap(s, req.publisher, req.channel, req.to, out);
    return;
  }
  s.attempts = 0;
  give_up(s, req.publisher, req.channel, req.to, reason, out);
}

void ReliableTracker::give_up(Stream& s, const std::string& publisher, Channel channel,
                              std::uint64_t to, const std::string& reason, TrackerOutput& out) {
  if (to < s.next) return;
  out.dead.push_back(DeadLetter{publisher, channel, s.next, to, reason});
  s.next = to + 1;
  drain(s, out);
}

}  // namespace vsm::detail
