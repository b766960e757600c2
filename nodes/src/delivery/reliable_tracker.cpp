#include "delivery/reliable_tracker.hpp"

#include <algorithm>

namespace vsm::detail {

ReliableTracker::ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered,
                                 int max_attempts, std::uint64_t start_time_ms,
                                 std::size_t max_publishers)
    : start_seq_(start_seq),
      start_time_ms_(start_time_ms),
      max_buffered_(max_buffered),
      max_attempts_(max_attempts),
      publishers_(max_publishers) {}

void ReliableTracker::start(Stream& s, const std::string& publisher, Channel channel,
                            std::uint64_t first_seen, TrackerOutput& out) {
  if (forgot_any_ && first_seen != 0) {
    s.next = first_seen;  // maybe a forgotten stream: never deliver its history again
    return;
  }
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
  Stream* found = find(req.publisher, req.channel);
  if (found == nullptr || req.epoch != found->epoch || !found->resolving) return;
  Stream& s = *found;
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
  // A pointer into the table stays valid until its publisher is forgotten (which
  // clears the cache).
  if (cached_ != nullptr && cached_channel_ == channel && cached_publisher_ == publisher) {
    return *cached_;
  }
  auto [entry, inserted] = publishers_.get_or_insert(
      publisher, [this](const std::string& name, Publisher& gone) { forget(name, gone); });
  if (inserted) {
    for (auto& st : entry->streams) st.epoch = ++epochs_;
  }
  cached_entry_ = entry;
  cached_ = &entry->streams[channel_index(channel)];
  cached_publisher_ = publisher;
  cached_channel_ = channel;
  return *cached_;
}

ReliableTracker::Stream* ReliableTracker::find(const std::string& publisher, Channel channel) {
  Publisher* entry = publishers_.find(publisher);
  return entry == nullptr ? nullptr : &entry->streams[channel_index(channel)];
}

// Called by the table just before it drops `gone`: whatever its streams still owed (held
// events, a pending gap) becomes a dead letter, reported with the next output.
void ReliableTracker::forget(const std::string& publisher, Publisher& gone) {
  for (Channel c : kAllChannels) {
    Stream& s = gone.streams[channel_index(c)];
    if (s.next == 0) continue;
    std::uint64_t owed_to = s.head;
    if (!s.held.empty()) owed_to = std::max(owed_to, std::prev(s.held.end())->first);
    if (owed_to >= s.next) {
      forgotten_.push_back(DeadLetter{publisher, c, s.next, owed_to,
                                      "stream forgotten: more publishers than "
                                      "max_tracked_publishers"});
    }
    buffered_ -= s.held.size();
    if (s.paused) --paused_streams_;
  }
  cached_ = nullptr;
  cached_entry_ = nullptr;
  forgot_any_ = true;
}

void ReliableTracker::report_forgotten(TrackerOutput& out) {
  if (forgotten_.empty()) return;
  for (auto& d : forgotten_) out.dead.push_back(std::move(d));
  forgotten_.clear();
}

std::uint64_t ReliableTracker::delivered_up_to(const std::string& publisher,
                                               Channel channel) const {
  const Publisher* entry = publishers_.peek(publisher);
  if (entry == nullptr) return 0;
  const Stream& s = entry->streams[channel_index(channel)];
  if (s.next == 0 || s.resolving) return 0;
  return s.next - 1;
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
  report_forgotten(out);
  if (s.next == 0) {
    start(s, publisher, channel, seq, out);
  } else if (seq == 1 && s.next > 2 && !cached_entry_->announces_base) {
    // A publisher without a log starts its sequences over. One whose hellos say where
    // its instances start is left to its hello: its seq 1 may be a late old event.
    restart(s, 1);
  }
  s.head = std::max(s.head, seq);
  if (s.resolving) {
    hold(s, std::move(event));
    return;
  }
  accept(s, std::move(event), out);
  if (!s.held.empty() && !s.repairing) request_gap(s, publisher, channel, seq - 1, out);
}

void ReliableTracker::on_head(const std::string& publisher, Channel channel,
                              const HelloHead& head, TrackerOutput& out) {
  Stream& s = stream(publisher, channel);
  report_forgotten(out);
  if (head.base) cached_entry_->announces_base = true;
  if (s.next == 0) {
    // Live-only: nothing is owed before the first event.
    if ((start_seq_ == 0 && start_time_ms_ == 0) || forgot_any_) return;
    start(s, publisher, channel, 0, out);
  } else if (head.new_instance && !s.resolving) {
    on_new_instance(s, head);
  }
  s.head = std::max(s.head, head.last);
  if (s.resolving) return;
  if (head.last >= s.next && !s.repairing) request_gap(s, publisher, channel, head.last, out);
}

void ReliableTracker::on_new_instance(Stream& s, const HelloHead& head) {
  if (!head.base) {
    // An older publisher that does not say: a head behind us means it started over.
    if (head.last + 1 < s.next) restart(s, 1);
    return;
  }
  if (*head.base == 0) {
    if (s.next > 1) restart(s, 1);  // numbers from 1: a new stream, all of it owed
    return;
  }
  if (*head.base + 1 < s.next && head.last + 1 < s.next) {
    // It continues below what we delivered, and what we delivered beyond its head cannot
    // be its own (a hello follows the events it announces): its log lost a tail (an OS
    // crash, or events sent unlogged), so those numbers now name new events.
    restart(s, *head.base + 1);
    ++rewinds_;
  }
}

void ReliableTracker::restart(Stream& s, std::uint64_t from) {
  buffered_ -= s.held.size();
  s.held.clear();
  s.next = from;
  s.head = from - 1;
  s.repairing = false;
  s.resolving = false;
  s.attempts = 0;
  s.epoch = ++epochs_;
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
  Stream* found = find(req.publisher, req.channel);
  if (found == nullptr || req.epoch != found->epoch) return;
  Stream& s = *found;
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
  Stream* found = find(req.publisher, req.channel);
  if (found == nullptr || req.epoch != found->epoch) return;
  Stream& s = *found;
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
  report_forgotten(out);
  if (paused_streams_ == 0) return;
  publishers_.for_each([&](const std::string& publisher, Publisher& entry) {
    for (Channel c : kAllChannels) {
      Stream& s = entry.streams[channel_index(c)];
      if (!s.paused) continue;
      s.paused = false;
      --paused_streams_;
      drain(s, out);
      // What was dropped while paused: up to the first held event, or up to the head.
      const std::uint64_t to = s.held.empty() ? s.head : s.held.begin()->first - 1;
      if (!s.repairing) request_gap(s, publisher, c, to, out);
    }
  });
}

}  // namespace vsm::detail
