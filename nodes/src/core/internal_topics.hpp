// Topics the node uses for its own signalling on the data plane. They start with '~',
// which sorts after every channel name, so libzmq (which re-sends a SUB's
// subscriptions to a new connection in byte order) always delivers a subscriber's
// filter topics before its presence topic. Mirrored in docs/PROTOCOL.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vsm::detail {

// "~vsm/sub/<instance-id>/<generation>": subscribed by a node's SUB after its filter
// topics; a publisher counts distinct instance ids as ready subscribers.
inline constexpr std::string_view kPresencePrefix = "~vsm/sub/";

inline std::string presence_topic(std::string_view instance, std::uint64_t generation) {
  std::string t(kPresencePrefix);
  t.append(instance).push_back('/');
  t.append(std::to_string(generation));
  return t;
}

// The instance id of a presence topic, or empty when `topic` is not one.
inline std::optional<std::string_view> presence_instance(std::string_view topic) {
  if (topic.substr(0, kPresencePrefix.size()) != kPresencePrefix) return std::nullopt;
  std::string_view rest = topic.substr(kPresencePrefix.size());
  auto slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  return rest.substr(0, slash);
}

}  // namespace vsm::detail
