// Which events a query, replay or correlation chain selects. Every set field must
// match (AND); ranges are inclusive. Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vsm/channel.hpp"
#include "vsm/event.hpp"

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

  // The parts checkable from a record header, without decoding.
  bool matches_header(std::uint64_t offset, std::uint64_t wall_ms) const noexcept {
    return offset >= from_offset && offset <= to_offset && wall_ms >= from_wall_ms &&
           wall_ms <= to_wall_ms;
  }
  bool matches(const Event& e) const;
};

// One stored event and its log offset.
struct LogEntry {
  std::uint64_t offset = 0;
  Event event;
};

}  // namespace vsm::persist
