#include "variety/reconciler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "vsm/monotonic_clock.hpp"
#include "vsm/value_pack.hpp"

namespace vsm::detail {
namespace {

constexpr std::string_view kRangesKey = "degraded_ranges";

bool is_heal_announcement(const Event& e) {
  return e.channel == Channel::kAudit &&
         (e.type == "partition_healing" || e.type == "partition_healthy");
}

// The announcement's ranges; malformed entries are skipped.
std::map<Channel, SeqRange> parse_ranges(const Value& v) {
  std::map<Channel, SeqRange> out;
  auto ranges = unpack_value<std::map<std::string, std::vector<std::uint64_t>>>(v);
  if (!ranges) return out;
  for (const auto& [name, r] : *ranges) {
    auto ch = parse_channel(name);
    if (!ch || r.size() != 2 || r[0] == 0 || r[0] > r[1]) continue;
    out[*ch] = {r[0], r[1]};
  }
  return out;
}

}  // namespace

Reconciler::Reconciler(const NodeConfig& config, SequenceTracker& sequences, Subscriptions& subs,
                       Fetch fetch, Deliver deliver)
    : config_(config),
      sequences_(sequences),
      subs_(subs),
      fetch_(std::move(fetch)),
      deliver_(std::move(deliver)),
      delivered_ids_(DedupWindowConfig{std::max<std::size_t>(1, config.reconcile_max_events),
                                       kRememberMs}),
      audit_seen_(config.max_tracked_publishers) {}

std::vector<std::string> Reconciler::topic_prefixes(const NodeConfig& config) {
  if (!config.reconcile) return {};
  return {topic_prefix(Channel::kAudit)};
}

void Reconciler::on_audit(const Event& event) {
  if (!config_.reconcile) return;
  follow_audit(event.ts.node, event.seq, true);
  start(event);
}

void Reconciler::on_hello(const std::string& publisher, std::uint64_t audit_head) {
  if (config_.reconcile) follow_audit(publisher, audit_head, false);
}

// Announcements travel best-effort: one published while the connection to us was still
// down is lost. The publisher's audit head (its events, its hellos) shows that; the
// missed audit events are fetched and their heal announcements acted on.
void Reconciler::follow_audit(const std::string& publisher, std::uint64_t head, bool head_seen) {
  auto [last, fresh] = audit_seen_.get_or_insert(publisher);
  const std::uint64_t before = *last;
  *last = std::max(before, head);
  if (fresh || head == 0) return;  // a publisher new to us: its past is history
  const std::uint64_t to = head_seen ? head - 1 : head;
  if (to <= before) return;
  const std::uint64_t from =
      std::max(before + 1, to >= kMaxAnnouncements ? to - kMaxAnnouncements + 1 : 1);
  std::deque<Pending> q;
  q.push_back(Pending{Channel::kAudit, {from, to}, true});
  append(publisher, std::move(q));
}

void Reconciler::start(const Event& event) {
  if (!is_heal_announcement(event)) return;
  auto it = event.metadata.find(std::string(kRangesKey));
  if (it == event.metadata.end()) return;
  const auto ranges = parse_ranges(it->second);
  if (!ranges.empty()) enqueue(event.ts.node, ranges);
}

void Reconciler::enqueue(const std::string& publisher, const std::map<Channel, SeqRange>& ranges) {
  std::vector<SeqRange> missing;
  std::deque<Pending> queue;
  std::uint64_t budget = config_.reconcile_max_events;
  for (const auto& [ch, range] : ranges) {
    missing.clear();
    if (subs_.whole_channel(ch)) sequences_.missing_in(publisher, ch, range, missing);
    for (const auto& m : missing) {
      if (queue.size() >= config_.reconcile_max_ranges || budget == 0) {
        truncated_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      const std::uint64_t take = std::min(m.second - m.first + 1, budget);
      if (take < m.second - m.first + 1) truncated_.fetch_add(1, std::memory_order_relaxed);
      budget -= take;
      queue.push_back(Pending{ch, {m.first, m.first + take - 1}, false});
    }
  }
  if (queue.empty()) return;
  spdlog::info("vsm: node {} reconciling {} range(s) published by {} while degraded",
               config_.name, queue.size(), publisher);
  append(publisher, std::move(queue));
}

void Reconciler::append(const std::string& publisher, std::deque<Pending>&& queue) {
  const bool busy = pending_.count(publisher) > 0;  // a fetch is in flight
  if (!busy && pending_.size() >= config_.max_tracked_publishers) {
    truncated_.fetch_add(queue.size(), std::memory_order_relaxed);
    return;
  }
  auto& mine = pending_[publisher];
  for (auto& q : queue) {
    if (mine.size() >= config_.reconcile_max_ranges) {
      truncated_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    mine.push_back(q);
  }
  if (!busy) fetch_next(publisher);
}

void Reconciler::fetch_next(const std::string& publisher) {
  auto it = pending_.find(publisher);
  if (it == pending_.end()) return;
  if (it->second.empty()) {
    pending_.erase(it);
    return;
  }
  const Pending& p = it->second.front();
  RepairRequest req;
  req.publisher = publisher;
  req.channel = p.channel;
  req.from = p.range.first;
  req.to = p.range.second;
  req.reconcile = true;
  fetch_(std::move(req), std::chrono::milliseconds(config_.reconcile_timeout_ms));
}

void Reconciler::on_fetched(const RepairRequest& req, Result<ReplayBatch>& result) {
  auto it = pending_.find(req.publisher);
  if (it == pending_.end() || it->second.empty()) return;
  Pending& p = it->second.front();
  if (p.channel != req.channel || p.range.first != req.from) return;  // not ours: stale
  if (!result) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("vsm: node {} could not reconcile {} seq {}..{} on {}: {}", config_.name,
                 req.publisher, req.from, req.to, channel_name(req.channel),
                 result.error().to_string());
    it->second.pop_front();
    return fetch_next(req.publisher);
  }
  auto& events = result->events;
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.seq < b.seq; });
  std::erase_if(events, [&](const Event& e) {
    return e.seq < req.from || e.seq > req.to || e.ts.node != req.publisher ||
           e.channel != req.channel;
  });
  if (p.announcements) {  // missed audit events: act on the heal announcements among them
    it->second.pop_front();
    for (const auto& e : events) start(e);
    return fetch_next(req.publisher);
  }
  const std::uint64_t reached = events.empty() ? 0 : events.back().seq;
  deliver_batch(req.publisher, req.channel, events);
  // A page limit (4,096 events, control_format::kMaxReplayBatch) may end the answer early: go on
  // after it. Nothing at all (the publisher no longer retains them) ends the range.
  if (reached != 0 && reached < p.range.second) {
    p.range.first = reached + 1;
  } else {
    it->second.pop_front();
  }
  fetch_next(req.publisher);
}

bool Reconciler::delivered(const Event& event) {
  return delivered_ids_.size() != 0 && delivered_ids_.contains(event.id, monotonic_ms());
}

void Reconciler::deliver_batch(const std::string& publisher, Channel channel,
                               std::vector<Event>& events) {
  std::uint64_t n = 0;
  for (auto& e : events) {
    if (!sequences_.claim(publisher, channel, e.seq)) continue;  // arrived, or delivered
    e.metadata[std::string(kReconciledMetadataKey)] = pack_value(1);
    (void)delivered_ids_.check_and_insert(e.id, monotonic_ms());
    deliver_(e);
    ++n;
  }
  reconciled_.fetch_add(n, std::memory_order_relaxed);
}

void Reconciler::fill_stats(VarietyStats& s) const {
  s.reconciled_events = reconciled_.load(std::memory_order_relaxed);
  s.reconcile_failed = failed_.load(std::memory_order_relaxed);
  s.reconcile_truncated = truncated_.load(std::memory_order_relaxed);
}

}  // namespace vsm::detail
