#include "vsm/filter.hpp"

namespace vsm {

bool Filter::matches(const Event& e) const {
  if (channel && e.channel != *channel) return false;
  if (source && e.source != *source) return false;
  if (type && e.type != *type) return false;
  if (target && e.target != *target && !(include_broadcast && e.target == kBroadcastTarget)) {
    return false;
  }
  if (correlation_id && e.correlation_id != *correlation_id) return false;
  if (predicate && !predicate(e)) return false;
  return true;
}

std::vector<std::string> Filter::topic_prefixes() const {
  std::optional<std::string_view> src;
  std::optional<std::string_view> typ;
  if (source) src = *source;
  if (source && type) typ = *type;
  std::vector<std::string> out;
  if (channel) {
    out.push_back(topic_prefix(*channel, src, typ));
  } else {
    for (Channel c : kAllChannels) out.push_back(topic_prefix(c, src, typ));
  }
  return out;
}

}  // namespace vsm
