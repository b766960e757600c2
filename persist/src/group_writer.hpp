// The I/O half of group commit: frames the records of a group into one buffer and
// writes it to the active segment with one write(2) per segment touched, rolling to a
// new segment by size. All or nothing: when a write, a roll or a sync fails, every file
// is cut back to its size before the group and the segment files created for it are
// removed, so a failed group leaves no partial record behind (docs/LOG_FORMAT.md
// "Errors that heal"); if cutting back fails too, the next commit cuts back first.
// Steady-state commits allocate nothing: the buffers keep their capacity.
// Not thread-safe: owned by the group-commit leader of the moment (the EventLog hands
// the lead over under its mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "chain.hpp"
#include "segment_set.hpp"
#include "vsm/persist/env.hpp"
#include "vsm/latency_histogram.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/result.hpp"
#include "writer_queue.hpp"

namespace vsm::persist::detail {

class GroupWriter {
 public:
  // `options` and `segments` must outlive the writer.
  GroupWriter(Env& env, std::filesystem::path dir, const LogOptions& options,
              SegmentSet& segments);

  // Makes `segment` (healthy, chained, opened read-write, its index covering `size`
  // bytes, `last_link` its last record's chain link, if it has records) the active one.
  // For recovery.
  void adopt(SegmentPtr segment, std::uint64_t size, std::optional<ChainLink> last_link);
  // Creates an empty active segment named `base` (synced unless FsyncPolicy::kNone)
  // and adds it to the segment set. For recovery.
  Status create_active(std::uint64_t base);

  // Frames `count` records from `source` at the end of the group, with offsets from
  // `first`. All or nothing: on an error (the source's, or kTooLarge) the group is
  // unchanged.
  Status frame(const BodySource& source, std::size_t count, std::uint64_t first);
  std::size_t group_bytes() const noexcept { return group_.size(); }
  bool group_empty() const noexcept { return meta_.empty(); }

  // Writes the group, fdatasyncs it when `sync`, indexes it and clears it. On an error
  // `*sync_failed` tells a failed sync from a failed write, and nothing of the group
  // remains in any file.
  Status commit(bool sync, bool* sync_failed);

  // The active segment's file (shared: the syncer and flush() sync it).
  const Segment::SharedFile& active_file() const { return active_->shared_file(); }
  std::uint64_t writes() const noexcept { return writes_.load(std::memory_order_relaxed); }
  std::uint64_t syncs() const noexcept { return syncs_.load(std::memory_order_relaxed); }
  // Durations of every fdatasync of the log (this writer's and, recorded by the
  // EventLog, the syncer's and flush()'s). Any thread.
  LatencyHistogram& sync_latency() noexcept { return sync_latency_; }
  const LatencyHistogram& sync_latency() const noexcept { return sync_latency_; }

 private:
  struct Pending {
    std::uint64_t offset = 0;
    std::uint64_t wall_ms = 0;
    std::uint64_t size = 0;  // framed bytes
    std::uint64_t pos = 0;   // file position, set when planned
    std::uint64_t seq = 0;
    std::uint8_t channel = 0;
    std::uint32_t target = 0;  // index into targets_
    bool roll_before = false;  // the record starts a new segment (its chain restarts)
  };
  // A file the group writes to: the active segment, then one per roll.
  struct Target {
    Segment::SharedFile file;
    std::filesystem::path path;  // of a segment created by the group (empty for the first)
    std::uint64_t base = 0;
    std::uint64_t start_size = 0;
    std::uint64_t size = 0;
  };

  void plan();
  void seal();
  Status write_all(bool sync, bool* sync_failed);
  Status write_chunk(std::size_t begin, std::size_t end);
  Status roll(std::uint64_t base, bool* sync_failed);
  Result<Segment::SharedFile> create_file(const std::filesystem::path& path, std::uint64_t base);
  Status sync(File& file);
  void rollback();
  void publish();

  Env& env_;
  const std::filesystem::path dir_;
  const LogOptions& options_;
  SegmentSet& segments_;
  SegmentPtr active_;
  std::uint64_t active_size_ = 0;
  bool cut_back_pending_ = false;  // a failed group's bytes may still be in the file
  ChainLink chain_{};              // link of the active segment's last record (or its seed)
  ChainLink pending_chain_{};      // the same after the group being committed

  std::string group_;
  std::vector<Pending> meta_;
  std::vector<Target> targets_;
  std::vector<RecordMeta> index_meta_;

  std::atomic<std::uint64_t> writes_{0};
  std::atomic<std::uint64_t> syncs_{0};
  LatencyHistogram sync_latency_;
};

}  // namespace vsm::persist::detail
