// Event ids: "evt_" + a random (version 4) UUID. Thread-safe (thread-local generator).
#pragma once

#include <string>
#include <string_view>

namespace vsm {

inline constexpr std::string_view kEventIdPrefix = "evt_";

// e.g. "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60"
std::string new_event_id();
// A bare random UUID v4 string (used for node instance ids).
std::string new_uuid();

}  // namespace vsm
