// Shared fixtures for lib tests: a fully populated event and msgpack-cxx helpers.
#pragma once

#include <string>
#include <string_view>

#include "vsm/event.hpp"
#include "vsm/value_pack.hpp"

namespace vsm::test {

// Every optional field set, non-default priority, metadata of several types.
inline Event full_event() {
  Event e;
  e.id = EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value();
  e.source = "s1.ops-3";
  e.target = "s5";
  e.channel = Channel::kAlgedonic;
  e.type = "overheat";
  e.payload = pack_value(std::map<std::string, double>{{"temp", 97.5}});
  e.ts = HlcTimestamp{1'700'000'000'123, 7, "node-a"};
  e.priority = kPriorityCritical;
  e.correlation_id = "corr-1";
  e.causation_id = "evt_cause";
  e.seq = 42;
  e.metadata["severity"] = Value::string("high");
  e.metadata["count"] = pack_value(3);
  e.metadata["trace"] = pack_value(std::vector<int>{1, 2, 3});
  return e;
}

// Only the required fields.
inline Event minimal_event() {
  Event e;
  e.id = EventId::parse("00000000-0000-4000-8000-000000000001").value();
  e.source = "s3";
  e.type = "t";
  return e;
}

// msgpack-cxx packer over a std::string-like sbuffer, for building hand-made frames.
inline std::string to_string(const msgpack::sbuffer& b) { return std::string(b.data(), b.size()); }

}  // namespace vsm::test
