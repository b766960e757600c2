// Read-only view of a log directory: query, replay, correlation chains, info and
// verification. Takes no lock and never modifies files, so it may run beside a live
// writer (it sees the records present at open; an incomplete last record is ignored).
// Missing or damaged .idx side files are rebuilt in memory. Damage never stops it: a
// segment whose header is damaged is skipped, and every scan lists the damaged regions
// it passed over in ScanStats::corruption (docs/LOG_FORMAT.md "Damage").
// Thread-safety: all const methods may run concurrently.
//
//   auto log = vsm::persist::LogReader::open("/var/lib/vsm/log");
//   if (!log) return fail(log.error());
//   LogQuery q; q.channel = vsm::Channel::kAlgedonic;
//   (*log)->replay(q, [](const LogEntry& e) { print(e.event); return true; });
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/result.hpp"

namespace vsm::persist {

namespace detail {
class Segment;
}

// Return false to stop a replay early.
using ReplayVisitor = std::function<bool(const LogEntry&)>;
using RawVisitor = std::function<bool(const RawEntry&)>;
// Progress of long operations: bytes done and total.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

class LogReader {
 public:
  // Errors: kNotFound (no such directory), kInvalid (not a log), kUnsupported (newer
  // format), kIo.
  static Result<std::unique_ptr<LogReader>> open(std::filesystem::path dir,
                                                 ReaderOptions options = {});
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Visits matching events in offset order.
  Status replay(const LogQuery& q, const ReplayVisitor& visit, ScanStats* stats = nullptr) const;
  Result<std::vector<LogEntry>> query(const LogQuery& q, ScanStats* stats = nullptr) const;
  // Visits matching events as encoded envelopes, without decoding them (filters are
  // checked on the peeked header): for forwarding and republishing.
  Status replay_raw(const LogQuery& q, const RawVisitor& visit, ScanStats* stats = nullptr) const;
  // Events causally linked to `id` (correlation_id / causation_id), in HLC order.
  Result<std::vector<LogEntry>> correlation_chain(std::string_view id,
                                                  const LogQuery& scope = {}) const;

  std::vector<SegmentInfo> segments() const;
  // Reads and checks every record (checksums and msgpack), ignoring the indexes, and
  // reports damaged headers, damaged ends and missing segments.
  Result<VerifyReport> verify(const ProgressFn& progress = {}) const;
  // As EventLog::last_seqs().
  Result<std::array<std::uint64_t, kChannelCount>> last_seqs(std::string_view publisher) const;
  // Damage found at open: damaged headers and ends, and what rebuilding indexes found.
  const std::vector<CorruptRegion>& open_corruption() const noexcept { return open_corruption_; }
  std::uint64_t indexes_rebuilt() const noexcept { return indexes_rebuilt_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  LogReader(std::filesystem::path dir, ReaderOptions options);
  Status load();

  std::filesystem::path dir_;
  ReaderOptions options_;
  std::vector<std::shared_ptr<detail::Segment>> segments_;
  std::vector<CorruptRegion> open_corruption_;
  std::uint64_t indexes_rebuilt_ = 0;
};

}  // namespace vsm::persist
