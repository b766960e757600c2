#include "security/peer_names.hpp"

#include <zmq.h>

namespace vsm::detail {

void PeerNames::on_event(std::uint16_t event, std::uint32_t value, std::string_view endpoint) {
  const int fd = static_cast<int>(value);
  if (event == ZMQ_EVENT_CONNECTED) {
    auto it = names_.find(endpoint);
    if (it == names_.end()) {
      by_fd_.erase(fd);
    } else {
      by_fd_[fd] = it->second;
    }
  } else if (event == ZMQ_EVENT_DISCONNECTED) {
    // Messages of the closed connection may still wait in the socket: keep the name
    // until the descriptor is reused (a new CONNECTED replaces it).
  }
}

std::string_view PeerNames::name_of(int fd) const {
  auto it = by_fd_.find(fd);
  return it == by_fd_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace vsm::detail
