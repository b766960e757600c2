// Maps between the algedonic API (severity, signal, description, metrics) and the event
// envelope fields documented in algedonic_format.hpp. Pure functions, thread-safe.
#pragma once

#include <map>
#include <string>

#include "vsm/algedonic.hpp"
#include "vsm/event.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

// An event on channel algedonic with priority critical and the given fields; id, source,
// ts and seq are left for publish. kInvalid for too many metrics or non-finite values.
Result<Event> make_algedonic_event(Severity severity, Signal signal, std::string description,
                                   const std::map<std::string, double>& metrics);

// Decodes the algedonic fields of a received event. kInvalid when it is not a
// well-formed alert (wrong channel, type, or payload shape).
Result<AlgedonicAlert> parse_algedonic_event(Event event, AlgedonicPath path);

}  // namespace vsm::detail
