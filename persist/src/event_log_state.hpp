// The parts of an EventLog and who owns what (docs/LOG_FORMAT.md "Writing"):
// - the writer queue, health, offsets and counters: under `mu`;
// - `writer` and `next_offset`: the group-commit leader of the moment (the lead is
//   handed over under `mu`, which orders its accesses);
// - `segments`: its own lock (scans take snapshots);
// - `syncer`: the vsm-log-sync thread (FsyncPolicy::kInterval), which syncs
//   `written_file` outside `mu`.
// Lock order: mu, then a Segment's or the SegmentSet's lock; no I/O under mu.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "group_writer.hpp"
#include "health_tracker.hpp"
#include "interval_syncer.hpp"
#include "segment_set.hpp"
#include "writer_queue.hpp"
#include "vsm/persist/env.hpp"
#include "vsm/persist/event_log.hpp"

namespace vsm::persist {

struct EventLog::State {
  State(std::filesystem::path d, const LogOptions& o)
      : dir(std::move(d)),
        options(o),
        env(env_or_posix(o.env)),
        segments(env, options),
        writer(env, dir, options, segments),
        health(dir.string(), o.error_retry_interval_ms) {}

  std::uint64_t now_ms() const;

  const std::filesystem::path dir;
  const LogOptions options;
  Env& env;
  std::unique_ptr<FileLock> lock;
  RecoveryReport report;
  detail::SegmentSet segments;
  detail::GroupWriter writer;
  std::uint64_t next_offset = 1;

  mutable std::mutex mu;
  std::condition_variable idle_cv;  // the writer queue became empty (close() waits)
  detail::WriterQueue queue;
  detail::HealthTracker health;
  std::uint64_t written_offset = 0;  // handed to the kernel
  std::uint64_t durable_offset = 0;  // fdatasync'ed
  detail::Segment::SharedFile written_file;  // holds written_offset (older ones are synced)
  bool closing = false;
  bool closed = false;
  std::uint64_t appended = 0;
  std::uint64_t syncs = 0;  // by flush() and the syncer

  std::unique_ptr<detail::IntervalSyncer> syncer;
};

}  // namespace vsm::persist
