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

}  // namespace vsm::persist
