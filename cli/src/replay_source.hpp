// Where `vsmcat replay` reads events from: a log directory (LogReader: read-only, may
// run beside a live writer) or a live node's control endpoint (ControlClient::query,
// followed page by page). Both visit the matching events in log order and stop when
// the visitor returns false or q.limit events were visited.
// Thread-safety: plain functions; blocking (disk reads / control requests).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vsm/persist/log_query.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// `vsmcat replay` found damaged data (skipped regions or undecodable records) and was
// not told --skip-damaged (docs/CLI.md).
inline constexpr int kExitDamaged = 3;

using EntryVisitor = std::function<bool(const vsm::persist::LogEntry&)>;

// What was skipped on the way (reported on stderr by the caller).
struct ReplaySkips {
  std::uint64_t decode_errors = 0;
  std::vector<vsm::persist::CorruptRegion> corruption;  // the log's damage report
  bool any() const noexcept { return decode_errors > 0 || !corruption.empty(); }
  // Events lost in the damaged regions (estimated) plus undecodable records.
  std::uint64_t events_lost() const noexcept;
};

// The log records a replay walks through: offsets first .. first + records - 1 (those in
// the query's offset range), for a progress line with a total.
struct ReplayRange {
  std::uint64_t first = 0;
  std::uint64_t records = 0;
};

// `range`, when given, is filled in before the first event is visited.
vsm::Status replay_from_log(const std::string& dir, const vsm::persist::LogQuery& q,
                            const EntryVisitor& visit, ReplaySkips& skips,
                            ReplayRange* range = nullptr);

// Errors: the node's answer to a bad query (kInvalid), kDeliveryTimeout when a page
// takes longer than `timeout`, kIo.
vsm::Status replay_from_node(const std::string& endpoint, std::chrono::milliseconds timeout,
                             const vsm::persist::LogQuery& q, const EntryVisitor& visit,
                             ReplaySkips& skips);

}  // namespace vsmcat
