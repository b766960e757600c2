#include "replay_source.hpp"

#include <algorithm>

#include "control_connect.hpp"
#include "vsm/control_client.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsmcat {
namespace {

// Events asked for per control request: big enough to amortise the round trip, small
// enough that the first events of a paced replay go out at once.
constexpr std::size_t kPageEvents = 1024;

ReplayRange records_in_range(const vsm::persist::LogReader& log, const vsm::persist::LogQuery& q) {
  ReplayRange r;
  for (const auto& seg : log.segments()) {
    if (seg.damaged || seg.records == 0) continue;
    const std::uint64_t lo = std::max(seg.first_offset, q.from_offset);
    const std::uint64_t hi = std::min(seg.last_offset, q.to_offset);
    if (lo > hi) continue;
    if (r.first == 0) r.first = lo;
    r.records += hi - lo + 1;
  }
  return r;
}

}  // namespace

std::uint64_t ReplaySkips::events_lost() const noexcept {
  std::uint64_t n = decode_errors;
  for (const auto& c : corruption) n += c.estimated_events;
  return n;
}

vsm::Status replay_from_log(const std::string& dir, const vsm::persist::LogQuery& q,
                            const EntryVisitor& visit, ReplaySkips& skips, ReplayRange* range) {
  auto log = vsm::persist::LogReader::open(dir);
  if (!log) return std::move(log).error();
  if (range != nullptr) *range = records_in_range(**log, q);
  vsm::persist::ScanStats stats;
  vsm::Status s = (*log)->replay(q, visit, &stats);
  skips.decode_errors += stats.decode_errors;
  skips.corruption.insert(skips.corruption.end(), stats.corruption.begin(),
                          stats.corruption.end());
  return s;
}

vsm::Status replay_from_node(const std::string& endpoint, std::chrono::milliseconds timeout,
                             const vsm::persist::LogQuery& q, const EntryVisitor& visit,
                             ReplaySkips& skips) {
  auto connected = connect_control(endpoint, timeout);
  if (!connected) return std::move(connected).error();
  vsm::ControlClient client = std::move(*connected);
  vsm::persist::LogQuery page_query = q;
  std::uint64_t seen = 0;
  std::uint64_t cursor = 0;
  do {
    const std::uint64_t left = q.limit == 0 ? kPageEvents : q.limit - seen;
    page_query.limit = static_cast<std::size_t>(std::min<std::uint64_t>(left, kPageEvents));
    auto page = client.query(page_query, cursor);
    if (!page) return std::move(page).error();
    skips.decode_errors += page->decode_errors;
    for (const auto& entry : page->entries) {
      if (!visit(entry)) return {};
      if (++seen == q.limit) return {};
    }
    cursor = page->next;
  } while (cursor != 0);
  return {};
}

}  // namespace vsmcat
