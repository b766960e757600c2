#include "vsm/persist/envelope_header.hpp"

namespace vsm::persist {

std::optional<EnvelopeHeader> peek_envelope(std::string_view frame) {
  EnvelopeHeader h;
  if (!peek_event_header(frame, h)) return std::nullopt;
  return h;
}

}  // namespace vsm::persist
