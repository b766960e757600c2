// Subscription filter: every set field must match (AND). The channel/source/type part
// becomes a ZeroMQ topic prefix so unwanted events are filtered at the publisher.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/event.hpp"

namespace vsm {

struct Filter {
  std::optional<Channel> channel;
  std::optional<std::string> source;
  std::optional<std::string> type;            // only narrows the topic when source is set
  std::optional<std::string> target;          // matches exact target or "broadcast" if
  bool include_broadcast = true;              // ... include_broadcast is true
  std::optional<std::string> correlation_id;
  std::function<bool(const Event&)> predicate;  // runs last; must be thread-safe

  static Filter all() { return {}; }
  static Filter on(Channel c) {
    Filter f;
    f.channel = c;
    return f;
  }

  bool matches(const Event& event) const;
  // Topic prefixes to subscribe to (one per channel when no channel is set; {""} would
  // be wider than needed, so the node's internal topics are never delivered).
  std::vector<std::string> topic_prefixes() const;
};

}  // namespace vsm
