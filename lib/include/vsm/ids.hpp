// Random identifiers: event ids (event_id.hpp) and bare UUID strings.
// Thread-safe (thread-local generator).
#pragma once

#include <string>

#include "vsm/event_id.hpp"

namespace vsm {

// A bare random UUID v4 string, e.g. "3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60" (used for
// node instance ids).
std::string new_uuid();

}  // namespace vsm
