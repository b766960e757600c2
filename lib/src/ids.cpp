#include "vsm/ids.hpp"

namespace vsm {

std::string new_uuid() { return EventId::generate().uuid_string(); }

}  // namespace vsm
