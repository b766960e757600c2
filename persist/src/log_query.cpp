#include "vsm/persist/log_query.hpp"

namespace vsm::persist {

bool LogQuery::matches(const Event& e) const {
  if (e.ts.wall_ms < from_wall_ms || e.ts.wall_ms > to_wall_ms) return false;
  if (e.seq < from_seq || e.seq > to_seq) return false;
  if (publisher && e.ts.node != *publisher) return false;
  if (channel && e.channel != *channel) return false;
  if (source && e.source != *source) return false;
  if (type && e.type != *type) return false;
  if (target && e.target != *target) return false;
  if (correlation_id && e.correlation_id != *correlation_id) return false;
  return true;
}

bool LogQuery::matches(const EnvelopeHeader& h) const {
  if (h.wall_ms < from_wall_ms || h.wall_ms > to_wall_ms) return false;
  if (h.seq < from_seq || h.seq > to_seq) return false;
  if (publisher && h.node != *publisher) return false;
  if (channel && h.channel != *channel) return false;
  if (source && h.source != *source) return false;
  if (type && h.type != *type) return false;
  if (target && h.target != *target) return false;
  if (correlation_id && h.correlation_id != *correlation_id) return false;
  return true;
}

}  // namespace vsm::persist
