// Which events a query, replay or correlation chain selects. Every set field must
// match (AND); ranges are inclusive. Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/channel.hpp"
#include "vsm/event.hpp"
#include "vsm/persist/envelope_header.hpp"

namespace vsm::persist {

struct LogQuery {
  std::uint64_t from_offset = 0;  // log offsets (from 1)
  std::uint64_t to_offset = UINT64_MAX;
  std::uint64_t from_wall_ms = 0;  // HLC wall ms of the event (ts.wall_ms)
  std::uint64_t to_wall_ms = UINT64_MAX;
  std::uint64_t from_seq = 0;  // Event::seq, usually with publisher set
  std::uint64_t to_seq = UINT64_MAX;
  std::optional<std::string> publisher;  // Event::ts.node
  std::optional<Channel> channel;
  std::optional<std::string> source;
  std::optional<std::string> type;
  std::optional<std::string> target;  // exact match
  std::optional<std::string> correlation_id;
  std::size_t limit = 0;  // max events returned; 0 = no limit
  // Bounds the work of one call: stop after reading this many records (0 = no bound);
  // ScanStats::resume_offset then says where to continue. For servers that must not
  // block long on a selective query over a big log.
  std::uint64_t max_records_read = 0;

  // The parts checkable from a record header, without decoding.
  bool matches_header(std::uint64_t offset, std::uint64_t wall_ms) const noexcept {
    return offset >= from_offset && offset <= to_offset && wall_ms >= from_wall_ms &&
           wall_ms <= to_wall_ms;
  }
  bool has_seq_range() const noexcept { return from_seq != 0 || to_seq != UINT64_MAX; }
  // True when a filter needs the envelope (anything but offsets and wall time).
  bool filters_envelope() const noexcept {
    return has_seq_range() || publisher || channel || source || type || target ||
           correlation_id;
  }
  bool matches(const Event& e) const;
  // The same checks on a peeked envelope: true exactly when matches() is true for the
  // decoded event.
  bool matches(const EnvelopeHeader& h) const;
};

// One stored event and its log offset.
struct LogEntry {
  std::uint64_t offset = 0;
  Event event;
};

// One stored event, not decoded: the envelope bytes are valid only during the visit.
struct RawEntry {
  std::uint64_t offset = 0;
  std::uint64_t wall_ms = 0;  // ts.wall_ms
  std::string_view envelope;
};

}  // namespace vsm::persist
