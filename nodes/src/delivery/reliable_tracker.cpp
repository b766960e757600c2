#include "delivery/reliable_tracker.hpp"

#include <algorithm>

namespace vsm::detail {

ReliableTracker::ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered,
                                 int max_attempts, std::uint64_t start_time_ms)
    : start_seq_(start_seq),
      start_time_ms_(start_time_ms),
      max_buffered_(max_buffered),
      max_attempts_(max_attempts) {}

void ReliableTracker::start(Stream& s, const std::string& publisher, Channel channel,
                            std::uint64_t first_seen, TrackerOutput& out) {
  if (start_time_ms_ == 0) {
    s.next = start_seq_ != 0 ? start_seq_ : first_seen;
    return;
  }
  // Hold everything until the publisher says which seq the start time maps to.
  s.next = 1;
  s.resolving = true;
  RepairRequest r;
  r.publisher = publisher;
  r.channel = channel;
  r.attempt = s.attempts;
  r.epoch = s.epoch;
  r.start_time_ms = start_time_ms_;
  out.repairs.push_back(std::move(r));
}

void ReliableTracker::on_resolved(const RepairRequest& req, std::uint64_t first_seq,
                                  TrackerOutput& out) {
  Stream& s = stream(req.publisher, req.channel);
  if (req.epoch != s.epoch || !s.resolving) return;
  s.resolving = false;
  s.attempts = 0;
  // Nothing that recent: start after everything known so far (held events are newer).
  std::uint64_t next = first_seq != 0 ? first_seq : s.head + 1;
  if (first_seq == 0 && !s.held.empty()) next = std::min(next, s.held.begin()->first);
  s.next = next;
  drain(s, out);
  const std::uint64_t to = s.held.empty() ? s.head : s.held.begin()->first - 1;
  request_gap(s, req.publisher, req.channel, to, out);
}

ReliableTracker::Stream& ReliableTracker::stream(const std::string& publisher, Channel channel) {
  // Streams are never erased, so a pointer into the map stays valid.
  if (cached_ != nullptr && cached_channel_ == channel && cached_publisher_ == publisher) {
    return *cached_;
  }
  cached_ = &streams_[{publisher, channel}];
  cached_publisher_ = publisher;
  cached_channel_ = channel;
  return *cached_;
}

std::uint64_t ReliableTracker::delivered_up_to(const std::string& publisher,
                                               Channel channel) const {
  auto it = streams_.find({publisher, channel});
  if (it == streams_.end() || it->second.next == 0 || it->second.resolving) return 0;
  return it->second.next - 1;
}

bool ReliableTracker::take_in_order(const Event& event) {
  Stream& s = stream(event.ts.node, event.channel);
  if (s.next == 0 || event.seq != s.next || s.paused || s.resolving || !s.held.empty()) {
    return false;
  }
  ++s.next;
  s.head = std::max(s.head, event.seq);
  return true;
}

void ReliableTracker::on_live(Event&& event, TrackerOutput& out) {
  const std::uint64_t seq = event.seq;
  const Channel channel = event.channel;
  Stream& s = stream(event.ts.node, channel);
  const std::string& publisher = cached_publisher_;  // outlives the move of `event`
  if (s.next == 0) {
    start(s, publisher, channel, seq, out);
  } else if (seq == 1 && s.next > 2) {
    restart(s);  // a publisher without a log starts its sequences over
  }
  s.head = std::max(s.head, seq);
  if (s.resolving) {
    hold(s, std::move(event));
    return;
  }
  accept(s, std::move(event), out);
  if (!s.held.empty() && !s.repairing) request_gap(s, publisher, channel, seq - 1, out);
}

void ReliableTracker::on_head(const std::string& publisher, Channel channel, std::uint64_t last,
                              bool restarted, TrackerOutput& out) {
  Stream& s = stream(publisher, channel);
  if (s.next == 0) {
    // Live-only: nothing is owed before the first event.
    if (start_seq_ == 0 && start_time_ms_ == 0) return;
    start(s, publisher, channel, 0, out);
  } else if (restarted && last + 1 < s.next && !s.resolving) {
    restart(s);  // a new instance whose head is behind us: its sequences started over
  }
  s.head = std::max(s.head, last);
  if (s.resolving) return;
  if (last >= s.next && !s.repairing) request_gap(s, publisher, channel, last, out);
}

void ReliableTracker::restart(Stream& s) {
  buffered_ -= s.held.size();
  s.held.clear();
  s.next = 1;
  s.head = 0;
  s.repairing = false;
  s.resolving = false;
  s.attempts = 0;
  ++s.epoch;
}

void ReliableTracker::accept(Stream& s, Event&& e, TrackerOutput& out) {
  if (e.seq < s.next || s.held.count(e.seq)) {
    ++duplicates_;
    return;
  }
  if (e.seq == s.next && !s.paused) {
    out.deliver.push_back(std::move(e));
    ++s.next;
    drain(s, out);
    return;
  }
  hold(s, std::move(e));
}

void ReliableTracker::hold(Stream& s, Event&& e) {
  if (buffered_ >= max_buffered_ && !s.held.empty()) {
    // Bounded memory: the newest event makes room (it will be fetched again).
    auto newest = std::prev(s.held.end());
    if (e.seq > newest->first) return;
    s.held.erase(newest);
    --buffered_;
  }
  s.held.emplace(e.seq, std::move(e));
  ++buffered_;
}

void ReliableTracker::drain(Stream& s, TrackerOutput& out) {
  if (s.paused) return;
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
  if (to < s.next || s.paused) return;
  s.head = std::max(s.head, to);
  s.repairing = true;
  RepairRequest r;
  r.publisher = publisher;
  r.channel = channel;
  r.from = s.next;
  r.to = to;
  r.attempt = s.attempts;
  r.epoch = s.epoch;
  out.repairs.push_back(std::move(r));
}

void ReliableTracker::on_repaired(const RepairRequest& req, std::vector<Event>&& events,
                                  std::uint64_t oldest, TrackerOutput& out) {
  Stream& s = stream(req.publisher, req.channel);
  if (req.epoch != s.epoch) return;
  s.repairing = false;
  const std::uint64_t before = s.next;
  for (auto& e : events) accept(s, std::move(e), out);
  if (s.paused) return;  // resume() asks again for what is still missing
  const bool progressed = s.next > before;
  if (progressed) s.attempts = 0;
  if (s.next > req.to) {
    if (!s.held.empty()) request_gap(s, req.publisher, req.channel, s.held.begin()->first - 1, out);
    return;
  }
  if (oldest > s.next) {
    give_up(s, req.publisher, req.channel, std::min(oldest - 1, req.to),
            "publisher no longer retains these events", out);
  } else if (oldest == 0 && !progressed) {
    give_up(s, req.publisher, req.channel, req.to, "publisher retains no events on the channel",
            out);
  } else if (!progressed) {
    on_repair_failed(req, "publisher returned none of the requested events", out);
    return;
  }
  if (s.next <= req.to) request_gap(s, req.publisher, req.channel, req.to, out);
}

void ReliableTracker::on_repair_failed(const RepairRequest& req, const std::string& reason,
                                       TrackerOutput& out) {
  Stream& s = stream(req.publisher, req.channel);
  if (req.epoch != s.epoch) return;
  if (req.start_time_ms != 0) {
    if (!s.resolving) return;
    if (++s.attempts < max_attempts_) {
      RepairRequest again = req;
      again.attempt = s.attempts;
      out.repairs.push_back(std::move(again));
      return;
    }
    // Cannot tell where the start time is: report it and go on with what arrives live.
    out.dead.push_back(DeadLetter{req.publisher, req.channel, 0, 0,
                                  "could not resolve the start time: " + reason});
    on_resolved(req, s.held.empty() ? s.head + 1 : s.held.begin()->first, out);
    return;
  }
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

void ReliableTracker::on_refused(Event&& event) {
  Stream& s = stream(event.ts.node, event.channel);
  if (!s.paused) {
    s.paused = true;
    ++paused_streams_;
  }
  if (event.seq < s.next) s.next = event.seq;
  hold(s, std::move(event));
}

void ReliableTracker::resume(TrackerOutput& out) {
  if (paused_streams_ == 0) return;
  for (auto& [key, s] : streams_) {
    if (!s.paused) continue;
    s.paused = false;
    --paused_streams_;
    drain(s, out);
    // What was dropped while paused: up to the first held event, or up to the head.
    const std::uint64_t to = s.held.empty() ? s.head : s.held.begin()->first - 1;
    if (!s.repairing) request_gap(s, key.first, key.second, to, out);
  }
}

}  // namespace vsm::detail
