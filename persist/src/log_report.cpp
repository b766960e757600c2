#include "vsm/persist/log_report.hpp"


namespace vsm::persist {

std::string describe(const CorruptRegion& c) {
  std::string s = c.segment + " at byte " +
                  std::to_string(c.pos) + ": " + std::to_string(c.bytes) + " bytes, ~" +
                  std::to_string(c.estimated_events) + " events lost";
  if (c.first_offset != 0) {
    s += " (offsets " + std::to_string(c.first_offset) + ".." + std::to_string(c.last_offset) +
         ")";
  }
  return s + ": " + c.reason;
}

}  // namespace vsm::persist
