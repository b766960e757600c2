// Writes received events to stdout for `vsmcat sub` and `vsmcat node --print`: one
// compact JSON object per line (event_to_json), or the -f format. Flushes per event.
// Not thread-safe: call from one thread (the one pulling the subscription).
#pragma once

#include <optional>

#include "event_format.hpp"
#include "output.hpp"
#include "vsm/event.hpp"

namespace vsmcat {

class EventPrinter {
 public:
  explicit EventPrinter(std::optional<EventFormat> format) : format_(std::move(format)) {}
  WriteResult print(const vsm::Event& event);

 private:
  std::optional<EventFormat> format_;
  std::string buffer_;
};

}  // namespace vsmcat
